using System.Buffers;
using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MedFM.Tensors.IO;

/// <summary>
/// Span-level conversion of stored elements (any <see cref="RawElementType"/>, either byte order) to float32 and
/// int64, and gathering of strided views (transposes, Fortran order, slices of shared storage) into C order.
/// Conversions are exact where the target can hold the value: float16, bfloat16 and integers up to 2^24 become
/// float32 exactly; float64 rounds to the nearest float32, as a cast does. No allocation except a pooled scratch
/// buffer for byte-swapped input.
/// </summary>
public static class RawElements
{
    /// <summary>Converts src (contiguous elements of <paramref name="type"/>) into dst, one float per element.</summary>
    public static void ToFloat32(ReadOnlySpan<byte> src, RawElementType type, bool bigEndian, Span<float> dst)
    {
        CheckLengths(src.Length, type, dst.Length);
        if (bigEndian && type.Size() > 1)
        {
            var tmp = ArrayPool<byte>.Shared.Rent(src.Length);
            try
            {
                var swapped = tmp.AsSpan(0, src.Length);
                Swap(src, type.Size(), swapped);
                ToFloat32(swapped, type, false, dst);
            }
            finally { ArrayPool<byte>.Shared.Return(tmp); }
            return;
        }
        switch (type)
        {
            case RawElementType.Float32: src.CopyTo(MemoryMarshal.AsBytes(dst)); break;
            case RawElementType.Float16: TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(src), dst); break;
            case RawElementType.BFloat16: BFloat16ToFloat32(MemoryMarshal.Cast<byte, ushort>(src), dst); break;
            case RawElementType.Float64: { var s = MemoryMarshal.Cast<byte, double>(src); for (int i = 0; i < dst.Length; i++) dst[i] = (float)s[i]; break; }
            case RawElementType.Int64: { var s = MemoryMarshal.Cast<byte, long>(src); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case RawElementType.Int32: { var s = MemoryMarshal.Cast<byte, int>(src); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case RawElementType.UInt32: { var s = MemoryMarshal.Cast<byte, uint>(src); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case RawElementType.Int16: { var s = MemoryMarshal.Cast<byte, short>(src); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case RawElementType.UInt16: { var s = MemoryMarshal.Cast<byte, ushort>(src); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case RawElementType.Int8: { var s = MemoryMarshal.Cast<byte, sbyte>(src); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case RawElementType.UInt8: for (int i = 0; i < dst.Length; i++) dst[i] = src[i]; break;
            case RawElementType.Bool: for (int i = 0; i < dst.Length; i++) dst[i] = src[i] != 0 ? 1f : 0f; break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type");
        }
    }

    /// <summary>
    /// Converts src (contiguous integer or bool elements) into dst. Floating-point types are refused: their values
    /// are not indices (use <see cref="ToFloat32(ReadOnlySpan{byte}, RawElementType, bool, Span{float})"/>).
    /// </summary>
    public static void ToInt64(ReadOnlySpan<byte> src, RawElementType type, bool bigEndian, Span<long> dst)
    {
        if (type.IsFloatingPoint())
            throw new ArgumentException($"elements of type {type} are floating point; only integer and bool elements convert to int64", nameof(type));
        CheckLengths(src.Length, type, dst.Length);
        if (bigEndian && type.Size() > 1)
        {
            var tmp = ArrayPool<byte>.Shared.Rent(src.Length);
            try
            {
                var swapped = tmp.AsSpan(0, src.Length);
                Swap(src, type.Size(), swapped);
                ToInt64(swapped, type, false, dst);
            }
            finally { ArrayPool<byte>.Shared.Return(tmp); }
            return;
        }
        switch (type)
        {
            case RawElementType.Int64: src.CopyTo(MemoryMarshal.AsBytes(dst)); break;
            case RawElementType.Int32: { var s = MemoryMarshal.Cast<byte, int>(src); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case RawElementType.UInt32: { var s = MemoryMarshal.Cast<byte, uint>(src); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case RawElementType.Int16: { var s = MemoryMarshal.Cast<byte, short>(src); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case RawElementType.UInt16: { var s = MemoryMarshal.Cast<byte, ushort>(src); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case RawElementType.Int8: { var s = MemoryMarshal.Cast<byte, sbyte>(src); for (int i = 0; i < dst.Length; i++) dst[i] = s[i]; break; }
            case RawElementType.UInt8: for (int i = 0; i < dst.Length; i++) dst[i] = src[i]; break;
            case RawElementType.Bool: for (int i = 0; i < dst.Length; i++) dst[i] = src[i] != 0 ? 1 : 0; break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type");
        }
    }

    /// <summary>bfloat16 is the upper half of a float32: widen and shift (vectorised where the hardware allows).</summary>
    private static void BFloat16ToFloat32(ReadOnlySpan<ushort> src, Span<float> dst)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref ushort s = ref MemoryMarshal.GetReference(src);
            ref uint d = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(dst));
            for (; i <= src.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s, (nuint)i));
                Vector256.ShiftLeft(lo, 16).StoreUnsafe(ref d, (nuint)i);
                Vector256.ShiftLeft(hi, 16).StoreUnsafe(ref d, (nuint)(i + Vector256<uint>.Count));
            }
        }
        for (; i < src.Length; i++) dst[i] = BitConverter.Int32BitsToSingle(src[i] << 16);
    }

    /// <summary>Reverses the byte order of each element of <paramref name="size"/> bytes, in place.</summary>
    public static void ReverseEndianness(Span<byte> data, int size) => Swap(data, size, data);

    private static void Swap(ReadOnlySpan<byte> src, int size, Span<byte> dst)
    {
        switch (size)
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(src), MemoryMarshal.Cast<byte, ushort>(dst)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(src), MemoryMarshal.Cast<byte, uint>(dst)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(src), MemoryMarshal.Cast<byte, ulong>(dst)); break;
            default: src.CopyTo(dst); break;
        }
    }

    private static void CheckLengths(int srcBytes, RawElementType type, int count)
    {
        if ((long)count * type.Size() != srcBytes)
            throw new ArgumentException($"{srcBytes} source bytes do not hold {count} elements of {type} ({type.Size()} bytes each)");
    }

    /// <summary>Number of elements of a shape, or -1 when the product overflows a long.</summary>
    public static long ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) return -1;
            try { n = checked(n * d); } catch (OverflowException) { return -1; }
        }
        return n;
    }

    /// <summary>Row-major (C order) strides, in elements, of a shape.</summary>
    public static long[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= Math.Max(1, shape[i]); }
        return s;
    }

    /// <summary>True when the view's elements lie in C order without gaps (dimensions of size 1 may have any stride).</summary>
    public static bool IsContiguous(ReadOnlySpan<int> shape, ReadOnlySpan<long> strides)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 0) return true;
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /// <summary>
    /// The highest element index a view touches (offset + Σ (size−1)·stride), or −1 for an empty view; −2 when the
    /// arithmetic overflows (a hostile shape or stride). Strides must be non-negative.
    /// </summary>
    public static long LastElement(ReadOnlySpan<int> shape, ReadOnlySpan<long> strides, long offset)
    {
        if (shape.Length != strides.Length) throw new ArgumentException("shape and strides differ in rank");
        long last = offset;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 0) return -1;
            if (strides[i] < 0 || shape[i] < 0) return -2;
            try { last = checked(last + (shape[i] - 1L) * strides[i]); } catch (OverflowException) { return -2; }
        }
        return last;
    }

    /// <summary>
    /// Copies the elements of a strided view into dst in C order. storage holds elements of elementSize bytes; the
    /// view starts at element <paramref name="offset"/> of storage. The caller has checked the view lies within storage.
    /// </summary>
    public static void Gather(ReadOnlySpan<byte> storage, int elementSize, ReadOnlySpan<int> shape, ReadOnlySpan<long> strides, long offset, Span<byte> dst)
    {
        int rank = shape.Length;
        if (rank == 0) { storage.Slice(checked((int)(offset * elementSize)), elementSize).CopyTo(dst); return; }
        long count = ElementCount(shape);
        if (count <= 0) return;
        int inner = shape[rank - 1];
        long innerStride = strides[rank - 1];
        int runBytes = inner * elementSize;
        Span<int> index = rank <= 16 ? stackalloc int[rank] : new int[rank];
        index.Clear();
        long baseElement = offset;
        int written = 0;
        for (long run = 0, runs = count / inner; run < runs; run++)
        {
            if (innerStride == 1)
                storage.Slice(checked((int)(baseElement * elementSize)), runBytes).CopyTo(dst.Slice(written, runBytes));
            else
                for (int j = 0; j < inner; j++)
                    storage.Slice(checked((int)((baseElement + j * innerStride) * elementSize)), elementSize).CopyTo(dst.Slice(written + j * elementSize, elementSize));
            written += runBytes;
            // Odometer over the outer dimensions.
            for (int d = rank - 2; d >= 0; d--)
            {
                baseElement += strides[d];
                if (++index[d] < shape[d]) break;
                baseElement -= strides[d] * shape[d];
                index[d] = 0;
            }
        }
    }
}
