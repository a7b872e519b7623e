using System.Runtime.CompilerServices;

namespace MedFM.Imaging.Transforms;

/// <summary>
/// scipy 1.10 <c>ndimage.gaussian_filter1d</c> (reference: scipy/ndimage/_filters.py <c>_gaussian_kernel1d</c>,
/// <c>gaussian_filter1d</c>; src/ni_filters.c <c>NI_Correlate1D</c>): the kernel
/// <c>exp(−0.5 / σ² · x²)</c> over x ∈ [−r, r], r = int(truncate·σ + 0.5), divided by its numpy (pairwise) sum;
/// the correlation uses NI_Correlate1D's symmetric form <c>o = x₀·w₀ + Σ_{j=r..1} (x₋ⱼ + xⱼ)·wⱼ</c> over the line
/// extended by NI_ExtendLine. Every output keeps scipy's operation order, so results are bit-identical as long as
/// <c>exp</c> agrees (we use the C library's, which numpy uses unless it has an AVX-512 build of its own exp).
/// </summary>
internal static class NdimageGaussian
{
    private const double DblEpsilon = 2.220446049250313e-16;

    /// <summary>The correlation weights (already reversed, as gaussian_filter1d passes them; the kernel is symmetric).</summary>
    public static double[] Kernel(double sigma, double truncate = 4.0)
    {
        int radius = (int)(truncate * sigma + 0.5);
        double sigma2 = sigma * sigma;
        double scale = -0.5 / sigma2;
        var phi = new double[2 * radius + 1];
        for (int i = 0; i < phi.Length; i++)
        {
            long x = i - radius;
            phi[i] = Math.Exp(scale * (double)(x * x));
        }
        double sum = PairwiseSum(phi);
        for (int i = 0; i < phi.Length; i++) phi[i] /= sum;
        Array.Reverse(phi);
        return phi;
    }

    /// <summary>numpy's pairwise_sum for contiguous float64 (8 accumulators per block of ≤ 128, halves above).</summary>
    public static double PairwiseSum(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double res = 0.0;
            for (int i = 0; i < n; i++) res += a[i];
            return res;
        }
        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            int i = 8;
            for (; i < n - n % 8; i += 8)
                for (int j = 0; j < 8; j++) r[j] += a[i + j];
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) res += a[i];
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return PairwiseSum(a[..n2]) + PairwiseSum(a[n2..]);
    }

    /// <summary>
    /// NI_Correlate1D along lines: element (i, lane) of a line set is at <c>i·stride + lane</c>; <paramref name="dst"/>
    /// has the same layout. Only symmetric kernels are reproduced (the Gaussian's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CorrelateLines(ReadOnlySpan<double> src, Span<double> dst, int length, int stride, int lanes,
        double[] weights, NdimageMode mode, double cval)
    {
        int size1 = weights.Length / 2, size2 = weights.Length - size1 - 1;
        for (int i = 1; i <= size1; i++)
            if (Math.Abs(weights[size1 + i] - weights[size1 - i]) > DblEpsilon)
                throw new ImageTransformException("NdimageGaussian", "only symmetric kernels are reproduced");
        var ext = NdimageBoundary.ExtendLine(length, size1, size2, mode);
        var cvalRow = new double[lanes];
        Array.Fill(cvalRow, cval);
        var rows = new int[weights.Length];
        for (int ll = 0; ll < length; ll++)
        {
            // ext[p + size1] is the source of extended position p; the taps of output ll are ll − size1 … ll + size2.
            for (int t = 0; t < weights.Length; t++) rows[t] = ext[ll + t];
            var o = dst.Slice(ll * stride, lanes);
            var center = Row(src, rows[size1], stride, lanes, cvalRow);
            double w0 = weights[size1];
            for (int l = 0; l < lanes; l++) o[l] = center[l] * w0;
            for (int j = -size1; j < 0; j++)
            {
                var a = Row(src, rows[size1 + j], stride, lanes, cvalRow);
                var b = Row(src, rows[size1 - j], stride, lanes, cvalRow);
                LaneOps.AddSumTimes(o, a, b, weights[size1 + j]);
            }
        }
    }

    private static ReadOnlySpan<double> Row(ReadOnlySpan<double> src, int index, int stride, int lanes, double[] cvalRow) =>
        index < 0 ? cvalRow : src.Slice(index * stride, lanes);
}
