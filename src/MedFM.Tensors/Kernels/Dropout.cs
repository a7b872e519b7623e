using MedFM.Tensors.Parallel;
using MedFM.Tensors.Random;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Inverted dropout on dense spans. Element i is kept when the uniform draw of Philox counter start + i (the top
/// 24 bits of the block's first word, exactly as Tensor.Rand draws it) is below 1 − p; kept elements are scaled by
/// 1/(1 − p). The keep mask is returned as bits (64 elements per word) so the backward needs no second draw.
/// Work is split in whole mask words, so the result is independent of the thread count.
/// </summary>
public static class Dropout
{
    private const int WordsPerChunk = 64;

    public static void Forward(float[] x, int xOffset, float[] y, int yOffset, int count, float p, ulong seed, ulong start, ulong[] mask)
    {
        float keep = (float)(1.0 - p);
        float scale = p >= 1 ? 0f : (float)(1.0 / (1.0 - p));
        int words = (count + 63) / 64;
        ThreadTeam.Default.For(words, (lo, hi) =>
        {
            for (int w = lo; w < hi; w++)
            {
                int i0 = w * 64, i1 = Math.Min(count, i0 + 64);
                ulong bits = 0;
                for (int i = i0; i < i1; i++)
                {
                    bool kept = Philox.ToUnit(Philox.Block(seed, start + (ulong)i).Item1) < keep;
                    if (kept) bits |= 1UL << (i - i0);
                    y[yOffset + i] = x[xOffset + i] * (kept ? scale : 0f); // as torch: x·mask·scale (NaN stays NaN)
                }
                mask[w] = bits;
            }
        }, WordsPerChunk);
    }

    public static void Backward(float[] g, int gOffset, float[] dx, int dxOffset, int count, float p, ulong[] mask)
    {
        float scale = p >= 1 ? 0f : (float)(1.0 / (1.0 - p));
        int words = (count + 63) / 64;
        ThreadTeam.Default.For(words, (lo, hi) =>
        {
            for (int w = lo; w < hi; w++)
            {
                int i0 = w * 64, i1 = Math.Min(count, i0 + 64);
                ulong bits = mask[w];
                for (int i = i0; i < i1; i++) dx[dxOffset + i] = g[gOffset + i] * (((bits >> (i - i0)) & 1) != 0 ? scale : 0f);
            }
        }, WordsPerChunk * 8);
    }
}
