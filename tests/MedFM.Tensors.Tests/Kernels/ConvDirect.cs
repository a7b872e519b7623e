using MedFM.Tensors.Kernels;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>
/// Direct (loop) convolution over one image in double precision: the independent reference for im2col + GEMM.
/// Weights are [Cout, C, KD, KH, KW]; positions outside the input read as zero.
/// </summary>
internal static class ConvDirect
{
    /// <summary>y[co, od, oh, ow] = Σ w[co, c, kd, kh, kw] · x[c, od·sd − pd + kd·dd, ...].</summary>
    public static double[] Forward(ConvWindow g, float[] x, float[] w, int cout)
    {
        var y = new double[cout * g.OutD * g.OutH * g.OutW];
        ForEachTap(g, (c, kd, kh, kw, od, oh, ow, id, ih, iw) =>
        {
            for (int co = 0; co < cout; co++)
                y[Out(g, co, od, oh, ow)] += (double)w[Weight(g, co, c, kd, kh, kw)] * x[In(g, c, id, ih, iw)];
        });
        return y;
    }

    /// <summary>The input gradient of the convolution: gx[c, i] = Σ over taps reading i of w · gy.</summary>
    public static double[] InputGradient(ConvWindow g, float[] gy, float[] w, int cout)
    {
        var gx = new double[g.ImageLength];
        ForEachTap(g, (c, kd, kh, kw, od, oh, ow, id, ih, iw) =>
        {
            for (int co = 0; co < cout; co++)
                gx[In(g, c, id, ih, iw)] += (double)w[Weight(g, co, c, kd, kh, kw)] * gy[Out(g, co, od, oh, ow)];
        });
        return gx;
    }

    private delegate void Tap(int c, int kd, int kh, int kw, int od, int oh, int ow, int id, int ih, int iw);

    /// <summary>Calls tap for every (channel, kernel offset, output position) whose input position is inside the image.</summary>
    private static void ForEachTap(ConvWindow g, Tap tap)
    {
        for (int c = 0; c < g.Channels; c++)
        for (int kd = 0; kd < g.KD; kd++)
        for (int kh = 0; kh < g.KH; kh++)
        for (int kw = 0; kw < g.KW; kw++)
        for (int od = 0; od < g.OutD; od++)
        for (int oh = 0; oh < g.OutH; oh++)
        for (int ow = 0; ow < g.OutW; ow++)
        {
            int id = od * g.SD - g.PD + kd * g.DD, ih = oh * g.SH - g.PH + kh * g.DH, iw = ow * g.SW - g.PW + kw * g.DW;
            if (id < 0 || id >= g.InD || ih < 0 || ih >= g.InH || iw < 0 || iw >= g.InW) continue;
            tap(c, kd, kh, kw, od, oh, ow, id, ih, iw);
        }
    }

    private static int In(ConvWindow g, int c, int d, int h, int w) => ((c * g.InD + d) * g.InH + h) * g.InW + w;

    private static int Out(ConvWindow g, int co, int d, int h, int w) => ((co * g.OutD + d) * g.OutH + h) * g.OutW + w;

    private static int Weight(ConvWindow g, int co, int c, int kd, int kh, int kw) =>
        (((co * g.Channels + c) * g.KD + kd) * g.KH + kh) * g.KW + kw;
}
