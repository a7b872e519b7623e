using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MedFM.Imaging.Transforms;

// The 8-bit passes of Resample.c (ImagingResampleHorizontal_8bpc / ImagingResampleVertical_8bpc): per output sample
// ss = 2^21 + Σ pixel·k (int32), stored as clip8(ss) = clamp(ss >> 22, 0, 255). Integer sums are exact, so the
// vector code below (8 rows at a time horizontally, 32 samples at a time vertically) equals PIL's scalar loops.
public static partial class PilResize
{
    private const int Lanes = 8;
    private const int Bias = 1 << (PilCoefficients.PrecisionBits - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clip8(int ss)
    {
        int v = ss >> PilCoefficients.PrecisionBits;
        return (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
    }

    /// <summary>
    /// Horizontal pass over rows [rowOffset, rowOffset + outHeight) of the source. Eight rows are transposed into a
    /// lane-interleaved int buffer so each output sample of the eight rows is one vector multiply-add per tap.
    /// </summary>
    private static unsafe void Horizontal8(ReadOnlySpan<byte> srcSpan, int width, int channels, int rowOffset, byte[] dst,
        int outWidth, int outHeight, PilCoefficients coeffs)
    {
        var k = coeffs.ToFixedPoint();
        int blocks = (outHeight + Lanes - 1) / Lanes;
        long work = (long)outWidth * channels * Lanes * Math.Max(1, coeffs.KernelSize);
        var rows = srcSpan.Slice(rowOffset * width * channels, outHeight * width * channels);
        // Spans cannot enter the lambda: pass the pinned address (the parallel loop ends inside the fixed block).
        fixed (byte* pinned = rows)
        {
            nint address = (nint)pinned;
            int length = rows.Length;
            RowParallel.For(blocks, work, (lo, hi) => HorizontalBlocks(
                new ReadOnlySpan<byte>((void*)address, length), width, channels, dst, outWidth, outHeight, coeffs, k, lo, hi));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HorizontalBlocks(ReadOnlySpan<byte> src, int width, int channels, byte[] dst, int outWidth, int outHeight,
        PilCoefficients coeffs, int[] k, int lo, int hi)
    {
        var input = ArrayPool<int>.Shared.Rent(width * channels * Lanes);
        var output = ArrayPool<int>.Shared.Rent(outWidth * channels * Lanes);
        try
        {
            for (int block = lo; block < hi; block++)
            {
                int y0 = block * Lanes, rows = Math.Min(Lanes, outHeight - y0);
                Transpose8(src, width * channels, y0, rows, input);
                HorizontalBlock(input, output, outWidth, channels, coeffs, k);
                for (int r = 0; r < rows; r++)
                {
                    var row = dst.AsSpan((y0 + r) * outWidth * channels, outWidth * channels);
                    for (int i = 0; i < row.Length; i++) row[i] = (byte)output[i * Lanes + r];
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(input);
            ArrayPool<int>.Shared.Return(output);
        }
    }

    /// <summary>buffer[i·8 + r] = row (y0 + r) sample i, rows past the block left as zero lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose8(ReadOnlySpan<byte> src, int rowLength, int y0, int rows, int[] buffer)
    {
        if (rows < Lanes) Array.Clear(buffer, 0, rowLength * Lanes);
        for (int r = 0; r < rows; r++)
        {
            var row = src.Slice((y0 + r) * rowLength, rowLength);
            for (int i = 0; i < row.Length; i++) buffer[i * Lanes + r] = row[i];
        }
    }

    /// <summary>output[(xx·channels + c)·8 + r] = clip8(bias + Σ_t input[((start + t)·channels + c)·8 + r]·k[t]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HorizontalBlock(int[] input, int[] output, int outWidth, int channels, PilCoefficients coeffs, int[] k)
    {
        int ks = coeffs.KernelSize;
        ref int inRef = ref input[0];
        var bias = Vector256.Create(Bias);
        var lo = Vector256<int>.Zero;
        var hi = Vector256.Create(255);
        for (int xx = 0; xx < outWidth; xx++)
        {
            int start = coeffs.Start[xx], count = coeffs.Count[xx];
            for (int c = 0; c < channels; c++)
            {
                var acc = bias;
                for (int t = 0; t < count; t++)
                {
                    var v = Vector256.LoadUnsafe(ref inRef, (nuint)(((start + t) * channels + c) * Lanes));
                    acc += v * Vector256.Create(k[xx * ks + t]);
                }
                acc = Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(acc, PilCoefficients.PrecisionBits), lo), hi);
                acc.StoreUnsafe(ref output[0], (nuint)((xx * channels + c) * Lanes));
            }
        }
    }

    /// <summary>Vertical pass: each output row is a fixed-point weighted sum of whole input rows.</summary>
    private static unsafe void Vertical8(ReadOnlySpan<byte> srcSpan, int rowLength, byte[] dst, int outHeight, PilCoefficients coeffs)
    {
        var k = coeffs.ToFixedPoint();
        long work = (long)rowLength * Math.Max(1, coeffs.KernelSize);
        fixed (byte* pinned = srcSpan)
        {
            nint address = (nint)pinned;
            int length = srcSpan.Length;
            RowParallel.For(outHeight, work, (lo, hi) =>
            {
                var src = new ReadOnlySpan<byte>((void*)address, length);
                for (int yy = lo; yy < hi; yy++)
                    VerticalRow(src, rowLength, dst.AsSpan(yy * rowLength, rowLength), coeffs.Start[yy], coeffs.Count[yy],
                        k.AsSpan(yy * coeffs.KernelSize, coeffs.KernelSize));
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void VerticalRow(ReadOnlySpan<byte> src, int rowLength, Span<byte> dst, int start, int count, ReadOnlySpan<int> k)
    {
        int x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref byte s = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(src);
            var bias = Vector256.Create(Bias);
            for (; x + 32 <= rowLength; x += 32)
            {
                Vector256<int> a0 = bias, a1 = bias, a2 = bias, a3 = bias;
                for (int t = 0; t < count; t++)
                {
                    ref byte p = ref Unsafe.Add(ref s, (start + t) * rowLength + x);
                    var w = Vector256.Create(k[t]);
                    a0 += Load8(ref p) * w;
                    a1 += Load8(ref Unsafe.Add(ref p, 8)) * w;
                    a2 += Load8(ref Unsafe.Add(ref p, 16)) * w;
                    a3 += Load8(ref Unsafe.Add(ref p, 24)) * w;
                }
                var lowHalf = Vector256.Narrow(Clip(a0), Clip(a1));
                var highHalf = Vector256.Narrow(Clip(a2), Clip(a3));
                Vector256.Narrow(lowHalf.AsUInt16(), highHalf.AsUInt16()).StoreUnsafe(ref dst[x]);
            }
        }
        for (; x < rowLength; x++)
        {
            int ss = Bias;
            for (int t = 0; t < count; t++) ss += src[(start + t) * rowLength + x] * k[t];
            dst[x] = Clip8(ss);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Clip(Vector256<int> acc) =>
        Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(acc, PilCoefficients.PrecisionBits), Vector256<int>.Zero), Vector256.Create(255));

    /// <summary>Eight bytes zero-extended to eight int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Load8(ref byte p)
    {
        var v = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref p)).AsByte();
        if (Avx2.IsSupported) return Avx2.ConvertToVector256Int32(v);
        var (lo, hi) = Vector128.Widen(Vector128.WidenLower(v));
        return Vector256.Create(lo, hi).AsInt32();
    }
}
