using MedFM.Tensors.Parallel;
namespace MedFM.Tensors.Kernels;

/// <summary>
/// Non-overlapping patch layout for convolutions whose kernel equals their stride (ViT/SAM patch embeddings):
/// one group's input [C, D, H, W] is rearranged into the row-major patch matrix P [L, K] with
/// L = (od, oh, ow) and K = (c, kd, kh, kw) (the weight's own order), so that y = W · Pᵀ is one GEMM.
/// Every input element lands in at most one place (a plain permutation, copied in runs of kernel-width floats);
/// elements past the last whole patch are dropped, as PyTorch's floor in the output size drops them.
/// </summary>
public static unsafe class ConvPatches
{
    /// <summary>P[l, k] = x[c, od·KD + kd, oh·KH + kh, ow·KW + kw] for one group's channels.</summary>
    public static void Gather(ConvGeometry g, ReadOnlySpan<float> x, int channels, Span<float> p)
    {
        var k = g.Kernel;
        var o = g.Output;
        var i = g.Input;
        int kCols = channels * k.Volume;
        int l = 0;
        for (int od = 0; od < o.D; od++)
        for (int oh = 0; oh < o.H; oh++)
        for (int ow = 0; ow < o.W; ow++, l++)
        {
            var row = p.Slice(l * kCols, kCols);
            int r = 0;
            for (int c = 0; c < channels; c++)
            for (int kd = 0; kd < k.D; kd++)
            for (int kh = 0; kh < k.H; kh++, r += k.W)
            {
                int src = ((c * i.D + od * k.D + kd) * i.H + oh * k.H + kh) * i.W + ow * k.W;
                x.Slice(src, k.W).CopyTo(row.Slice(r, k.W));
            }
        }
    }

    /// <summary>
    /// The adjoint of patch gathering from column layout: col [channels·kD·kH·kW, oD·oH·oW] (row = one kernel tap of
    /// one channel, as im2col) written into x [channels, iD, iH, iW]; the dropped remainder is zeroed. Each output row
    /// interleaves the kW tap rows, so reads and writes both run along memory. Channels are split over the team.
    /// </summary>
    public static void ScatterColumns(ConvGeometry g, ReadOnlySpan<float> col, int channels, Span<float> x)
    {
        var (k, o, i) = (g.Kernel, g.Output, g.Input);
        bool covered = o.D * k.D == i.D && o.H * k.H == i.H && o.W * k.W == i.W;
        if (!covered) x.Slice(0, channels * i.Volume).Clear();
        int l = o.Volume;
        fixed (float* pc = col, px = x)
        {
            float* c0 = pc, x0 = px;
            ThreadTeam.Default.For(channels, (lo, hi) =>
            {
                for (int c = lo; c < hi; c++)
                for (int kd = 0; kd < k.D; kd++)
                for (int kh = 0; kh < k.H; kh++)
                for (int od = 0; od < o.D; od++)
                for (int oh = 0; oh < o.H; oh++)
                {
                    float* dst = x0 + ((long)(c * i.D + od * k.D + kd) * i.H + oh * k.H + kh) * i.W;
                    long tap = ((long)(c * k.D + kd) * k.H + kh) * k.W;
                    for (int kw = 0; kw < k.W; kw++)
                    {
                        float* src = c0 + (tap + kw) * l + ((long)od * o.H + oh) * o.W;
                        for (int ow = 0; ow < o.W; ow++) dst[ow * k.W + kw] = src[ow];
                    }
                }
            }, Math.Max(1, 8192 / Math.Max(1, k.Volume * l)));
        }
    }
}
