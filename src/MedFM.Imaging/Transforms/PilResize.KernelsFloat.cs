using System.Runtime.CompilerServices;

namespace MedFM.Imaging.Transforms;

// The 32-bit float passes of Resample.c (ImagingResampleHorizontal_32bpc / ImagingResampleVertical_32bpc,
// IMAGING_TYPE_FLOAT32 case): ss = 0.0; ss += (double)pixel · k[t] in tap order; the pass stores (float)ss.
// Each output sample keeps PIL's summation order, so the results are bit-identical.
public static partial class PilResize
{
    private static unsafe void HorizontalFloat(ReadOnlySpan<float> srcSpan, int width, int channels, int rowOffset, float[] dst,
        int outWidth, int outHeight, PilCoefficients coeffs)
    {
        var rows = srcSpan.Slice(rowOffset * width * channels, outHeight * width * channels);
        long work = (long)outWidth * channels * Math.Max(1, coeffs.KernelSize);
        fixed (float* pinned = rows)
        {
            nint address = (nint)pinned;
            int length = rows.Length;
            RowParallel.For(outHeight, work, (lo, hi) =>
            {
                var src = new ReadOnlySpan<float>((void*)address, length);
                for (int yy = lo; yy < hi; yy++)
                    HorizontalFloatRow(src.Slice(yy * width * channels, width * channels), channels,
                        dst.AsSpan(yy * outWidth * channels, outWidth * channels), coeffs);
            });
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HorizontalFloatRow(ReadOnlySpan<float> row, int channels, Span<float> dst, PilCoefficients coeffs)
    {
        var weights = coeffs.Weights;
        int ks = coeffs.KernelSize;
        for (int xx = 0; xx < coeffs.OutputSize; xx++)
        {
            int start = coeffs.Start[xx], count = coeffs.Count[xx];
            for (int c = 0; c < channels; c++)
            {
                double ss = 0.0;
                for (int t = 0; t < count; t++) ss += row[(start + t) * channels + c] * weights[xx * ks + t];
                dst[xx * channels + c] = (float)ss;
            }
        }
    }

    private static unsafe void VerticalFloat(ReadOnlySpan<float> srcSpan, int rowLength, float[] dst, int outHeight, PilCoefficients coeffs)
    {
        long work = (long)rowLength * Math.Max(1, coeffs.KernelSize);
        fixed (float* pinned = srcSpan)
        {
            nint address = (nint)pinned;
            int length = srcSpan.Length;
            RowParallel.For(outHeight, work, (lo, hi) =>
            {
                var src = new ReadOnlySpan<float>((void*)address, length);
                var weights = coeffs.Weights;
                for (int yy = lo; yy < hi; yy++)
                {
                    int start = coeffs.Start[yy], count = coeffs.Count[yy], k0 = yy * coeffs.KernelSize;
                    var outRow = dst.AsSpan(yy * rowLength, rowLength);
                    for (int x = 0; x < rowLength; x++)
                    {
                        double ss = 0.0;
                        for (int t = 0; t < count; t++) ss += src[(start + t) * rowLength + x] * weights[k0 + t];
                        outRow[x] = (float)ss;
                    }
                }
            });
        }
    }
}
