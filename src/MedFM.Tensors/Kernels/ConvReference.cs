namespace MedFM.Tensors.Kernels;

/// <summary>
/// Direct convolution loops with double accumulation: the oracle the GEMM-based kernels are tested against
/// (the definition of torch.nn.functional.conv3d, read straight off the formula). Every output element is
/// computed by gathering its own terms, so the three directions are independent of each other and of
/// <see cref="ConvGemm"/>. Slow; for tests and tiny shapes.
/// </summary>
public static class ConvReference
{
    /// <summary>y[n, o, p] = bias[o] + Σ_{c in o's group, k} x[n, c, p·s − pad + k·d] · w[o, c, k].</summary>
    public static void Forward(ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        int cinG = g.InPerGroup, coutG = g.OutPerGroup, kvol = g.Kernel.Volume;
        for (int n = 0; n < g.Batch; n++)
        for (int o = 0; o < g.OutChannels; o++)
        {
            int grp = o / coutG;
            for (int od = 0; od < g.Output.D; od++)
            for (int oh = 0; oh < g.Output.H; oh++)
            for (int ow = 0; ow < g.Output.W; ow++)
            {
                double acc = bias.IsEmpty ? 0 : bias[o];
                for (int c = 0; c < cinG; c++)
                {
                    int xBase = (n * g.InChannels + grp * cinG + c) * g.InPlane;
                    int wBase = (o * cinG + c) * kvol;
                    for (int kd = 0; kd < g.Kernel.D; kd++)
                    {
                        int id = od * g.Stride.D - g.Padding.D + kd * g.Dilation.D;
                        if ((uint)id >= (uint)g.Input.D) continue;
                        for (int kh = 0; kh < g.Kernel.H; kh++)
                        {
                            int ih = oh * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                            if ((uint)ih >= (uint)g.Input.H) continue;
                            for (int kw = 0; kw < g.Kernel.W; kw++)
                            {
                                int iw = ow * g.Stride.W - g.Padding.W + kw * g.Dilation.W;
                                if ((uint)iw >= (uint)g.Input.W) continue;
                                acc += (double)x[xBase + (id * g.Input.H + ih) * g.Input.W + iw]
                                     * w[wBase + (kd * g.Kernel.H + kh) * g.Kernel.W + kw];
                            }
                        }
                    }
                }
                y[((n * g.OutChannels + o) * g.Output.D + od) * g.Output.H * g.Output.W + oh * g.Output.W + ow] = (float)acc;
            }
        }
    }

    /// <summary>gx[n, c, i] = Σ over (o, k) with i = p·s − pad + k·d of gy[n, o, p] · w[o, c, k]. Overwrites gx.</summary>
    public static void BackwardInput(ConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx)
    {
        int cinG = g.InPerGroup, coutG = g.OutPerGroup, kvol = g.Kernel.Volume;
        for (int n = 0; n < g.Batch; n++)
        for (int c = 0; c < g.InChannels; c++)
        {
            int grp = c / cinG, cg = c % cinG;
            for (int id = 0; id < g.Input.D; id++)
            for (int ih = 0; ih < g.Input.H; ih++)
            for (int iw = 0; iw < g.Input.W; iw++)
            {
                double acc = 0;
                for (int k = 0; k < kvol; k++)
                {
                    int kd = k / (g.Kernel.H * g.Kernel.W), kh = k / g.Kernel.W % g.Kernel.H, kw = k % g.Kernel.W;
                    if (!Source(id, kd, g.Stride.D, g.Padding.D, g.Dilation.D, g.Output.D, out int od)) continue;
                    if (!Source(ih, kh, g.Stride.H, g.Padding.H, g.Dilation.H, g.Output.H, out int oh)) continue;
                    if (!Source(iw, kw, g.Stride.W, g.Padding.W, g.Dilation.W, g.Output.W, out int ow)) continue;
                    int p = (od * g.Output.H + oh) * g.Output.W + ow;
                    for (int oo = 0; oo < coutG; oo++)
                    {
                        int o = grp * coutG + oo;
                        acc += (double)gy[(n * g.OutChannels + o) * g.OutPlane + p] * w[(o * cinG + cg) * kvol + k];
                    }
                }
                gx[(n * g.InChannels + c) * g.InPlane + (id * g.Input.H + ih) * g.Input.W + iw] = (float)acc;
            }
        }
    }

    /// <summary>gw[o, c, k] = Σ_{n, p} gy[n, o, p] · x[n, c', p·s − pad + k·d]. Overwrites gw.</summary>
    public static void BackwardWeight(ConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> x, Span<float> gw)
    {
        int cinG = g.InPerGroup, coutG = g.OutPerGroup, kvol = g.Kernel.Volume;
        for (int o = 0; o < g.OutChannels; o++)
        for (int c = 0; c < cinG; c++)
        for (int k = 0; k < kvol; k++)
        {
            int kd = k / (g.Kernel.H * g.Kernel.W), kh = k / g.Kernel.W % g.Kernel.H, kw = k % g.Kernel.W;
            int cin = o / coutG * cinG + c;
            double acc = 0;
            for (int n = 0; n < g.Batch; n++)
            for (int od = 0; od < g.Output.D; od++)
            {
                int id = od * g.Stride.D - g.Padding.D + kd * g.Dilation.D;
                if ((uint)id >= (uint)g.Input.D) continue;
                for (int oh = 0; oh < g.Output.H; oh++)
                {
                    int ih = oh * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                    if ((uint)ih >= (uint)g.Input.H) continue;
                    for (int ow = 0; ow < g.Output.W; ow++)
                    {
                        int iw = ow * g.Stride.W - g.Padding.W + kw * g.Dilation.W;
                        if ((uint)iw >= (uint)g.Input.W) continue;
                        acc += (double)gy[(n * g.OutChannels + o) * g.OutPlane + (od * g.Output.H + oh) * g.Output.W + ow]
                             * x[(n * g.InChannels + cin) * g.InPlane + (id * g.Input.H + ih) * g.Input.W + iw];
                    }
                }
            }
            gw[(o * cinG + c) * kvol + k] = (float)acc;
        }
    }

    /// <summary>The output position p with p·s − pad + k·d = i along one axis, if there is one.</summary>
    private static bool Source(int i, int k, int stride, int pad, int dilation, int outLen, out int p)
    {
        int t = i + pad - k * dilation;
        p = t / stride;
        return t >= 0 && t % stride == 0 && p < outLen;
    }
}
