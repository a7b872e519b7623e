using System.Numerics.Tensors;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// One separable resampling pass along one axis of a dense tensor viewed as [outer, size, inner]
/// (inner = 1 for the last axis). Both functions only gather (each writes a disjoint part of dst), so any split of
/// their ranges across threads is race-free; the gradient uses the same functions with a transposed table.
/// </summary>
public static class InterpolateKernels
{
    /// <summary>
    /// Last-axis pass for rows [rowStart, rowEnd): dst[r, o] = Σ_t w[o, t] · src[r, idx[o, t]], with src rows of
    /// taps.InSize and dst rows of taps.OutSize elements (spans start at row 0).
    /// </summary>
    public static unsafe void ResampleRows(InterpolateTaps taps, ReadOnlySpan<float> src, Span<float> dst, int rowStart, int rowEnd)
    {
        int inSize = taps.InSize, outSize = taps.OutSize, m = taps.MaxTaps;
        if (rowEnd <= rowStart) return;
        if ((long)rowEnd * inSize > src.Length || (long)rowEnd * outSize > dst.Length)
            throw new ArgumentException($"interpolate: rows [{rowStart}, {rowEnd}) of {inSize} -> {outSize} do not fit the spans ({src.Length}, {dst.Length})");
        bool gather = taps.IsGather, fixedTwo = m == 2 && AllCounts(taps, 2);
        fixed (float* s0 = src, d0 = dst, w = taps.WeightArray)
        fixed (int* idx = taps.IndexArray, count = taps.CountArray)
        {
            for (int r = rowStart; r < rowEnd; r++)
            {
                float* s = s0 + (long)r * inSize, d = d0 + (long)r * outSize;
                if (gather)
                {
                    for (int o = 0; o < outSize; o++) d[o] = s[idx[o * m]];
                }
                else if (fixedTwo)
                {
                    for (int o = 0, b = 0; o < outSize; o++, b += 2) d[o] = s[idx[b]] * w[b] + s[idx[b + 1]] * w[b + 1];
                }
                else
                {
                    for (int o = 0; o < outSize; o++)
                    {
                        int b = o * m, n = count[o];
                        float acc = n == 0 ? 0f : s[idx[b]] * w[b];
                        for (int t = 1; t < n; t++) acc += s[idx[b + t]] * w[b + t];
                        d[o] = acc;
                    }
                }
            }
        }
    }

    private static bool AllCounts(InterpolateTaps taps, int n)
    {
        foreach (int c in taps.Count)
            if (c != n) return false;
        return true;
    }

    /// <summary>
    /// Inner-axis pass for lines [lineStart, lineEnd) of the outer·OutSize output lines (line = b·OutSize + o):
    /// dst[b, o, :] = Σ_t w[o, t] · src[b, idx[o, t], :], each line holding inner contiguous elements.
    /// </summary>
    public static void ResampleLines(InterpolateTaps taps, ReadOnlySpan<float> src, Span<float> dst, int inner, int lineStart, int lineEnd)
    {
        int inSize = taps.InSize, outSize = taps.OutSize, m = taps.MaxTaps;
        for (int line = lineStart; line < lineEnd; line++)
        {
            int bo = line / outSize, o = line % outSize;
            var d = dst.Slice(line * inner, inner);
            int baseIn = bo * inSize;
            int b = o * m, n = taps.Count[o];
            if (n == 0)
            {
                d.Clear();
                continue;
            }
            var first = src.Slice((baseIn + taps.Index[b]) * inner, inner);
            float w0 = taps.Weight[b];
            if (w0 == 1f) first.CopyTo(d);
            else TensorPrimitives.Multiply(first, w0, d);
            for (int t = 1; t < n; t++)
            {
                var row = src.Slice((baseIn + taps.Index[b + t]) * inner, inner);
                TensorPrimitives.MultiplyAdd(row, taps.Weight[b + t], d, d);
            }
        }
    }
}
