namespace MedFM.Tensors.Kernels;

/// <summary>
/// Convolutions lowered to GEMM, per batch item and group (K = InPerGroup · kernel volume, L = output positions):
/// <list type="bullet">
/// <item>forward: y_g [Cout_g, L] = W_g [Cout_g, K] · col [K, L] (+ bias),</item>
/// <item>input gradient: col = W_gᵀ · gy_g, then col2im adds the columns back into gx,</item>
/// <item>weight gradient: gW_g += gy_g · colᵀ, summed over the batch.</item>
/// </list>
/// Pointwise convolutions (1×1, stride 1, no padding) use the input plane as the column matrix directly, and
/// patch embeddings (kernel = stride) use the patch matrix of <see cref="ConvPatches"/> with a transposed GEMM,
/// so neither builds an im2col buffer; depthwise convolutions go to the direct kernel of <see cref="ConvDepthwise"/>.
/// A transposed convolution is the input gradient of the convolution that maps its output back to its input, and
/// its gradients are the forward and weight gradient of that convolution.
/// All tensors are dense. The workspace should hold <see cref="WorkspaceLength"/> floats: the patch path needs
/// all of it, the general path works through as many column chunks as the given workspace allows.
/// </summary>
public static class ConvGemm
{
    /// <summary>Column chunks hold about this many floats (8 MB), so a large 3-D convolution never needs a huge buffer.</summary>
    private const int ChunkTarget = 1 << 21;

    /// <summary>Floats of scratch the three directions need: one group's patch matrix, or one chunk of its column matrix.</summary>
    public static long WorkspaceLength(ConvGeometry g) =>
        g.IsPointwise || ConvDepthwise.Applies(g) ? 0 : g.IsPatch ? (long)g.ColRows * g.OutPlane : (long)g.ColRows * ChunkColumns(g);

    /// <summary>Output positions per column chunk that <see cref="WorkspaceLength"/> provides for.</summary>
    public static int ChunkColumns(ConvGeometry g)
    {
        int l = g.OutPlane, k = Math.Max(1, g.ColRows);
        return Math.Clamp(ChunkTarget / k, Math.Min(l, 256), Math.Max(l, 1));
    }

    private static Span<float> PatchBuffer(ConvGeometry g, Span<float> workspace)
    {
        long need = (long)g.ColRows * g.OutPlane;
        if (workspace.Length < need)
            throw new ArgumentException($"conv: the patch path needs a workspace of {need} floats, got {workspace.Length}, for {g}");
        return workspace.Slice(0, (int)need);
    }

    /// <summary>The chunk width a given workspace allows (a smaller workspace just means more, narrower chunks).</summary>
    private static int Chunk(ConvGeometry g, Span<float> workspace)
    {
        int chunk = Math.Min(g.OutPlane, workspace.Length / Math.Max(1, g.ColRows));
        if (chunk <= 0)
            throw new ArgumentException($"conv: a workspace of {workspace.Length} floats cannot hold one column of {g.ColRows} for {g}");
        return chunk;
    }

    public static void Forward(ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        Span<float> y, Span<float> workspace)
    {
        int coutG = g.OutPerGroup, cinG = g.InPerGroup, k = g.ColRows, l = g.OutPlane;
        if (l == 0 || coutG == 0) return;
        if (ConvDepthwise.Applies(g))
        {
            ConvDepthwise.Forward(g, x, w, bias, y);
            return;
        }
        for (int n = 0; n < g.Batch; n++)
        for (int grp = 0; grp < g.Groups; grp++)
        {
            var yG = y.Slice((n * g.OutChannels + grp * coutG) * l, coutG * l);
            var wG = w.Slice(grp * coutG * k, coutG * k);
            var xG = x.Slice((n * g.InChannels + grp * cinG) * g.InPlane, cinG * g.InPlane);
            float beta = 0f;
            if (!bias.IsEmpty)
            {
                for (int o = 0; o < coutG; o++) yG.Slice(o * l, l).Fill(bias[grp * coutG + o]);
                beta = 1f;
            }
            if (k == 0)
            {
                if (bias.IsEmpty) yG.Clear();
                continue;
            }
            if (g.IsPointwise)
            {
                Gemm.Sgemm(false, false, coutG, l, k, 1f, wG, k, xG, l, beta, yG, l);
            }
            else if (g.IsPatch)
            {
                var p = PatchBuffer(g, workspace);
                ConvPatches.Gather(g, xG, cinG, p);
                Gemm.Sgemm(false, true, coutG, l, k, 1f, wG, k, p, k, beta, yG, l);
            }
            else
            {
                int chunk = Chunk(g, workspace);
                for (int p0 = 0; p0 < l; p0 += chunk)
                {
                    int len = Math.Min(chunk, l - p0);
                    var col = workspace.Slice(0, k * len);
                    ConvColumns.Lower(g, xG, cinG, col, p0, p0 + len);
                    Gemm.Sgemm(false, false, coutG, len, k, 1f, wG, k, col, len, beta, yG[p0..], l);
                }
            }
        }
    }

    /// <summary>The gradient with respect to the input (overwrites gx).</summary>
    public static void BackwardInput(ConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx, Span<float> workspace)
    {
        int coutG = g.OutPerGroup, cinG = g.InPerGroup, k = g.ColRows, l = g.OutPlane;
        if (ConvDepthwise.Applies(g))
        {
            ConvDepthwise.BackwardInput(g, gy, w, gx);
            return;
        }
        for (int n = 0; n < g.Batch; n++)
        for (int grp = 0; grp < g.Groups; grp++)
        {
            var gxG = gx.Slice((n * g.InChannels + grp * cinG) * g.InPlane, cinG * g.InPlane);
            if (l == 0 || coutG == 0 || k == 0)
            {
                gxG.Clear();
                continue;
            }
            var gyG = gy.Slice((n * g.OutChannels + grp * coutG) * l, coutG * l);
            var wG = w.Slice(grp * coutG * k, coutG * k);
            if (g.IsPointwise)
            {
                Gemm.Sgemm(true, false, cinG, l, coutG, 1f, wG, k, gyG, l, 0f, gxG, l);
            }
            else if (g.IsPatch)
            {
                // Columns [k, l] (kernel tap-major, like im2col), then each tap's plane interleaved into its place.
                var col = PatchBuffer(g, workspace);
                Gemm.Sgemm(true, false, k, l, coutG, 1f, wG, k, gyG, l, 0f, col, l);
                ConvPatches.ScatterColumns(g, col, cinG, gxG);
            }
            else
            {
                gxG.Clear();
                int chunk = Chunk(g, workspace);
                for (int p0 = 0; p0 < l; p0 += chunk)
                {
                    int len = Math.Min(chunk, l - p0);
                    var col = workspace.Slice(0, k * len);
                    Gemm.Sgemm(true, false, k, len, coutG, 1f, wG, k, gyG[p0..], l, 0f, col, len);
                    ConvColumns.Raise(g, col, cinG, gxG, p0, p0 + len);
                }
            }
        }
    }

    /// <summary>The gradient with respect to the weight, summed over the batch (overwrites gw).</summary>
    public static void BackwardWeight(ConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> x, Span<float> gw, Span<float> workspace)
    {
        int coutG = g.OutPerGroup, cinG = g.InPerGroup, k = g.ColRows, l = g.OutPlane;
        gw.Slice(0, g.OutChannels * k).Clear();
        if (l == 0 || k == 0 || coutG == 0) return;
        if (ConvDepthwise.Applies(g))
        {
            ConvDepthwise.BackwardWeight(g, gy, x, gw);
            return;
        }
        for (int n = 0; n < g.Batch; n++)
        for (int grp = 0; grp < g.Groups; grp++)
        {
            var gyG = gy.Slice((n * g.OutChannels + grp * coutG) * l, coutG * l);
            var xG = x.Slice((n * g.InChannels + grp * cinG) * g.InPlane, cinG * g.InPlane);
            var gwG = gw.Slice(grp * coutG * k, coutG * k);
            if (g.IsPointwise)
            {
                Gemm.Sgemm(false, true, coutG, k, l, 1f, gyG, l, xG, l, 1f, gwG, k);
            }
            else if (g.IsPatch)
            {
                var p = PatchBuffer(g, workspace);
                ConvPatches.Gather(g, xG, cinG, p);
                Gemm.Sgemm(false, false, coutG, k, l, 1f, gyG, l, p, k, 1f, gwG, k);
            }
            else
            {
                int chunk = Chunk(g, workspace);
                for (int p0 = 0; p0 < l; p0 += chunk)
                {
                    int len = Math.Min(chunk, l - p0);
                    var col = workspace.Slice(0, k * len);
                    ConvColumns.Lower(g, xG, cinG, col, p0, p0 + len);
                    Gemm.Sgemm(false, true, coutG, k, len, 1f, gyG[p0..], l, col, len, 1f, gwG, k);
                }
            }
        }
    }
}
