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
/// so neither builds an im2col buffer. A transposed convolution is the input gradient of the convolution that
/// maps its output back to its input, and its gradients are the forward and weight gradient of that convolution.
/// All tensors are dense; the workspace must hold <see cref="WorkspaceLength"/> floats.
/// </summary>
public static class ConvGemm
{
    /// <summary>Floats of scratch the three directions need for this geometry (one group's column or patch matrix).</summary>
    public static long WorkspaceLength(ConvGeometry g) => g.IsPointwise ? 0 : (long)g.ColRows * g.OutPlane;

    public static void Forward(ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias,
        Span<float> y, Span<float> workspace)
    {
        int coutG = g.OutPerGroup, cinG = g.InPerGroup, k = g.ColRows, l = g.OutPlane;
        if (l == 0 || coutG == 0) return;
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
                var p = workspace.Slice(0, l * k);
                ConvPatches.Gather(g, xG, cinG, p);
                Gemm.Sgemm(false, true, coutG, l, k, 1f, wG, k, p, k, beta, yG, l);
            }
            else
            {
                var col = workspace.Slice(0, k * l);
                ConvColumns.Lower(g, xG, cinG, col);
                Gemm.Sgemm(false, false, coutG, l, k, 1f, wG, k, col, l, beta, yG, l);
            }
        }
    }

    /// <summary>The gradient with respect to the input (overwrites gx).</summary>
    public static void BackwardInput(ConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx, Span<float> workspace)
    {
        int coutG = g.OutPerGroup, cinG = g.InPerGroup, k = g.ColRows, l = g.OutPlane;
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
                var p = workspace.Slice(0, l * k);
                Gemm.Sgemm(true, false, l, k, coutG, 1f, gyG, l, wG, k, 0f, p, k);
                ConvPatches.Scatter(g, p, cinG, gxG);
            }
            else
            {
                var col = workspace.Slice(0, k * l);
                Gemm.Sgemm(true, false, k, l, coutG, 1f, wG, k, gyG, l, 0f, col, l);
                gxG.Clear();
                ConvColumns.Raise(g, col, cinG, gxG);
            }
        }
    }

    /// <summary>The gradient with respect to the weight, summed over the batch (overwrites gw).</summary>
    public static void BackwardWeight(ConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> x, Span<float> gw, Span<float> workspace)
    {
        int coutG = g.OutPerGroup, cinG = g.InPerGroup, k = g.ColRows, l = g.OutPlane;
        gw.Slice(0, g.OutChannels * k).Clear();
        if (l == 0 || k == 0 || coutG == 0) return;
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
                var p = workspace.Slice(0, l * k);
                ConvPatches.Gather(g, xG, cinG, p);
                Gemm.Sgemm(false, false, coutG, k, l, 1f, gyG, l, p, k, 1f, gwG, k);
            }
            else
            {
                var col = workspace.Slice(0, k * l);
                ConvColumns.Lower(g, xG, cinG, col);
                Gemm.Sgemm(false, true, coutG, k, l, 1f, gyG, l, col, l, 1f, gwG, k);
            }
        }
    }
}
