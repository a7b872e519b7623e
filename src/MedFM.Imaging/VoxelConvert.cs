using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MedFM.Imaging;

/// <summary>
/// Conversions between voxel arrays. Widening to float is exact for 8/16-bit types and rounds for 32-bit
/// integers and doubles. Narrowing rounds to nearest (ties to even), saturates to the target range and maps NaN to 0.
/// </summary>
public static class VoxelConvert
{
    /// <summary>Converts every element of a typed voxel array to float into <paramref name="dst"/> (same length).</summary>
    public static void ToSingle(Array src, Span<float> dst)
    {
        var type = VoxelTypes.OfArray(src);
        if (dst.Length != src.Length)
            throw new VolumeShapeException($"destination has {dst.Length} elements, source {src.Length}");
        var bytes = MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(src), src.Length * VoxelTypes.SizeOf(type));
        ToSingle(bytes, type, dst);
    }

    /// <summary>Converts raw machine-order elements of <paramref name="type"/> to float (dst length = element count).</summary>
    public static void ToSingle(ReadOnlySpan<byte> src, VoxelType type, Span<float> dst)
    {
        switch (type)
        {
            case VoxelType.UInt8: Widen(src, dst); break;
            case VoxelType.Int8: Scalar(MemoryMarshal.Cast<byte, sbyte>(src), dst); break;
            case VoxelType.Int16: Widen(MemoryMarshal.Cast<byte, short>(src), dst); break;
            case VoxelType.UInt16: Widen(MemoryMarshal.Cast<byte, ushort>(src), dst); break;
            case VoxelType.Int32: Scalar(MemoryMarshal.Cast<byte, int>(src), dst); break;
            case VoxelType.UInt32: Scalar(MemoryMarshal.Cast<byte, uint>(src), dst); break;
            case VoxelType.Float32: MemoryMarshal.Cast<byte, float>(src).CopyTo(dst); break;
            case VoxelType.Float64: Scalar(MemoryMarshal.Cast<byte, double>(src), dst); break;
        }
    }

    /// <summary>Converts every element of a typed voxel array to double.</summary>
    public static double[] ToDouble(Array src)
    {
        var type = VoxelTypes.OfArray(src);
        var dst = new double[src.Length];
        switch (type)
        {
            case VoxelType.UInt8: Scalar(((byte[])src).AsSpan(), dst.AsSpan()); break;
            case VoxelType.Int8: Scalar(((sbyte[])src).AsSpan(), dst.AsSpan()); break;
            case VoxelType.Int16: Scalar(((short[])src).AsSpan(), dst.AsSpan()); break;
            case VoxelType.UInt16: Scalar(((ushort[])src).AsSpan(), dst.AsSpan()); break;
            case VoxelType.Int32: Scalar(((int[])src).AsSpan(), dst.AsSpan()); break;
            case VoxelType.UInt32: Scalar(((uint[])src).AsSpan(), dst.AsSpan()); break;
            case VoxelType.Float32: Scalar(((float[])src).AsSpan(), dst.AsSpan()); break;
            case VoxelType.Float64: ((double[])src).AsSpan().CopyTo(dst); break;
        }
        return dst;
    }

    /// <summary>A new array of <paramref name="type"/> holding <paramref name="values"/> rounded and saturated.</summary>
    public static Array FromFloat64(ReadOnlySpan<double> values, VoxelType type)
    {
        var dst = VoxelTypes.Allocate(type, values.Length);
        switch (type)
        {
            case VoxelType.Float64: values.CopyTo((double[])dst); break;
            case VoxelType.Float32: { var d = (float[])dst; for (int i = 0; i < d.Length; i++) d[i] = (float)values[i]; break; }
            case VoxelType.UInt8: Narrow(values, ((byte[])dst).AsSpan()); break;
            case VoxelType.Int8: Narrow(values, ((sbyte[])dst).AsSpan()); break;
            case VoxelType.Int16: Narrow(values, ((short[])dst).AsSpan()); break;
            case VoxelType.UInt16: Narrow(values, ((ushort[])dst).AsSpan()); break;
            case VoxelType.Int32: Narrow(values, ((int[])dst).AsSpan()); break;
            case VoxelType.UInt32: Narrow(values, ((uint[])dst).AsSpan()); break;
        }
        return dst;
    }

    /// <summary>A new array of <paramref name="type"/> holding <paramref name="values"/> rounded and saturated.</summary>
    public static Array FromSingle(ReadOnlySpan<float> values, VoxelType type)
    {
        if (type == VoxelType.Float32) return values.ToArray();
        var dst = VoxelTypes.Allocate(type, values.Length);
        switch (type)
        {
            case VoxelType.Float64: Scalar(values, ((double[])dst).AsSpan()); break;
            case VoxelType.UInt8: NarrowF(values, ((byte[])dst).AsSpan()); break;
            case VoxelType.Int8: NarrowF(values, ((sbyte[])dst).AsSpan()); break;
            case VoxelType.Int16: NarrowF(values, ((short[])dst).AsSpan()); break;
            case VoxelType.UInt16: NarrowF(values, ((ushort[])dst).AsSpan()); break;
            case VoxelType.Int32: NarrowF(values, ((int[])dst).AsSpan()); break;
            case VoxelType.UInt32: NarrowF(values, ((uint[])dst).AsSpan()); break;
        }
        return dst;
    }

    /// <summary>Rounds to nearest (ties to even), saturates, NaN → 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Saturate<T>(double v) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        if (double.IsNaN(v)) return T.Zero;
        return T.CreateSaturating(Math.Round(v, MidpointRounding.ToEven));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Narrow<T>(ReadOnlySpan<double> src, Span<T> dst) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = Saturate<T>(src[i]);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void NarrowF<T>(ReadOnlySpan<float> src, Span<T> dst) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = Saturate<T>(src[i]);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Scalar<TFrom, TTo>(ReadOnlySpan<TFrom> src, Span<TTo> dst)
        where TFrom : unmanaged, System.Numerics.INumberBase<TFrom>
        where TTo : unmanaged, System.Numerics.INumberBase<TTo>
    {
        for (int i = 0; i < src.Length; i++) dst[i] = TTo.CreateTruncating(src[i]);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Widen(ReadOnlySpan<byte> src, Span<float> dst)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref byte s = ref MemoryMarshal.GetReference(src);
            ref float d = ref MemoryMarshal.GetReference(dst);
            for (; i <= src.Length - 32; i += 32)
            {
                var v = Vector256.LoadUnsafe(ref s, (nuint)i);
                var (lo, hi) = Vector256.Widen(v);
                var (a, b) = Vector256.Widen(lo);
                var (c, e) = Vector256.Widen(hi);
                Vector256.ConvertToSingle(a.AsInt32()).StoreUnsafe(ref d, (nuint)i);
                Vector256.ConvertToSingle(b.AsInt32()).StoreUnsafe(ref d, (nuint)(i + 8));
                Vector256.ConvertToSingle(c.AsInt32()).StoreUnsafe(ref d, (nuint)(i + 16));
                Vector256.ConvertToSingle(e.AsInt32()).StoreUnsafe(ref d, (nuint)(i + 24));
            }
        }
        for (; i < src.Length; i++) dst[i] = src[i];
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Widen(ReadOnlySpan<short> src, Span<float> dst)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref short s = ref MemoryMarshal.GetReference(src);
            ref float d = ref MemoryMarshal.GetReference(dst);
            for (; i <= src.Length - 16; i += 16)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s, (nuint)i));
                Vector256.ConvertToSingle(lo).StoreUnsafe(ref d, (nuint)i);
                Vector256.ConvertToSingle(hi).StoreUnsafe(ref d, (nuint)(i + 8));
            }
        }
        for (; i < src.Length; i++) dst[i] = src[i];
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Widen(ReadOnlySpan<ushort> src, Span<float> dst)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref ushort s = ref MemoryMarshal.GetReference(src);
            ref float d = ref MemoryMarshal.GetReference(dst);
            for (; i <= src.Length - 16; i += 16)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s, (nuint)i));
                Vector256.ConvertToSingle(lo.AsInt32()).StoreUnsafe(ref d, (nuint)i);
                Vector256.ConvertToSingle(hi.AsInt32()).StoreUnsafe(ref d, (nuint)(i + 8));
            }
        }
        for (; i < src.Length; i++) dst[i] = src[i];
    }
}
