namespace MedFM.Tensors.Kernels;

/// <summary>One pooling window layout in 3-D form (2-D pools have depth 1): sizes, kernel, stride, padding, dilation.</summary>
public readonly record struct PoolWindow(Int3 Input, Int3 Kernel, Int3 Stride, Int3 Padding, Int3 Dilation, Int3 Output)
{
    /// <summary>
    /// PyTorch's pooling_output_shape along one axis: floor (or ceil) of (in + 2p − d(k − 1) − 1) / s, plus 1; in ceil
    /// mode a last window that would start inside the right padding is dropped.
    /// </summary>
    public static int OutputLength(int input, int kernel, int stride, int padding, int dilation, bool ceilMode)
    {
        long num = (long)input + 2L * padding - (long)dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long o = FloorDiv(num, stride) + 1;
        if (ceilMode && (o - 1) * stride >= input + padding) o--;
        return (int)Math.Clamp(o, int.MinValue, int.MaxValue);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// <summary>
/// Max, average and adaptive-average pooling over dense planes [planes, D, H, W] (one plane per batch item and
/// channel), forward and backward, following ATen's CPU kernels (window clipping, divisors, NaN propagation and
/// index order). Spans cover whole planes; callers split planes across threads.
/// </summary>
public static class Pooling
{
    /// <summary>Max pooling; indices are flat positions in the input plane (d·H·W + h·W + w), as PyTorch returns them.</summary>
    public static void MaxForward(in PoolWindow p, ReadOnlySpan<float> x, Span<float> y, Span<long> indices, int planes)
    {
        var (i, o, k, s, pad, dil) = (p.Input, p.Output, p.Kernel, p.Stride, p.Padding, p.Dilation);
        int inPlane = i.Volume, outPlane = o.Volume;
        for (int c = 0; c < planes; c++)
        {
            var xp = x.Slice(c * inPlane, inPlane);
            int q = c * outPlane;
            for (int od = 0; od < o.D; od++)
            {
                Range(od, s.D, pad.D, k.D, dil.D, i.D, out int d0, out int d1);
                for (int oh = 0; oh < o.H; oh++)
                {
                    Range(oh, s.H, pad.H, k.H, dil.H, i.H, out int h0, out int h1);
                    for (int ow = 0; ow < o.W; ow++, q++)
                    {
                        Range(ow, s.W, pad.W, k.W, dil.W, i.W, out int w0, out int w1);
                        long best = ((long)d0 * i.H + h0) * i.W + w0;
                        float max = float.NegativeInfinity;
                        for (int id = d0; id < d1; id += dil.D)
                        for (int ih = h0; ih < h1; ih += dil.H)
                        {
                            int row = (id * i.H + ih) * i.W;
                            for (int iw = w0; iw < w1; iw += dil.W)
                            {
                                float v = xp[row + iw];
                                if (v > max || float.IsNaN(v))
                                {
                                    max = v;
                                    best = row + iw;
                                }
                            }
                        }
                        y[q] = max;
                        indices[q] = best;
                    }
                }
            }
        }
    }

    /// <summary>gx[plane, indices[q]] += gy[q]; gx must be zeroed by the caller.</summary>
    public static void MaxBackward(in PoolWindow p, ReadOnlySpan<float> gy, ReadOnlySpan<long> indices, Span<float> gx, int planes)
    {
        int inPlane = p.Input.Volume, outPlane = p.Output.Volume;
        for (int c = 0; c < planes; c++)
        {
            var gp = gx.Slice(c * inPlane, inPlane);
            for (int q = c * outPlane; q < (c + 1) * outPlane; q++) gp[(int)indices[q]] += gy[q];
        }
    }

    /// <summary>Average pooling (dilation 1); the divisor is the override if positive, else the window size with or without padding.</summary>
    public static void AvgForward(in PoolWindow p, bool countIncludePad, int divisorOverride, ReadOnlySpan<float> x, Span<float> y, int planes)
    {
        int inPlane = p.Input.Volume, outPlane = p.Output.Volume;
        for (int c = 0; c < planes; c++)
        {
            var xp = x.Slice(c * inPlane, inPlane);
            for (int q = 0; q < outPlane; q++)
            {
                var win = AvgWindow(p, q, countIncludePad, divisorOverride);
                float sum = 0f;
                for (int id = win.D0; id < win.D1; id++)
                for (int ih = win.H0; ih < win.H1; ih++)
                {
                    int row = (id * p.Input.H + ih) * p.Input.W;
                    for (int iw = win.W0; iw < win.W1; iw++) sum += xp[row + iw];
                }
                y[c * outPlane + q] = win.Divisor == 0 ? 0f : sum / win.Divisor;
            }
        }
    }

    /// <summary>Adds gy / divisor to every input element of each window; gx must be zeroed by the caller.</summary>
    public static void AvgBackward(in PoolWindow p, bool countIncludePad, int divisorOverride, ReadOnlySpan<float> gy, Span<float> gx, int planes)
    {
        int inPlane = p.Input.Volume, outPlane = p.Output.Volume;
        for (int c = 0; c < planes; c++)
        {
            var gp = gx.Slice(c * inPlane, inPlane);
            for (int q = 0; q < outPlane; q++)
            {
                var win = AvgWindow(p, q, countIncludePad, divisorOverride);
                if (win.Divisor == 0) continue;
                float share = gy[c * outPlane + q] / win.Divisor;
                for (int id = win.D0; id < win.D1; id++)
                for (int ih = win.H0; ih < win.H1; ih++)
                {
                    int row = (id * p.Input.H + ih) * p.Input.W;
                    for (int iw = win.W0; iw < win.W1; iw++) gp[row + iw] += share;
                }
            }
        }
    }

    /// <summary>Adaptive average pooling: output cell o covers [floor(o·in/out), ceil((o+1)·in/out)) on each axis.</summary>
    public static void AdaptiveAvgForward(Int3 input, Int3 output, ReadOnlySpan<float> x, Span<float> y, int planes)
    {
        int inPlane = input.Volume, outPlane = output.Volume;
        for (int c = 0; c < planes; c++)
        {
            var xp = x.Slice(c * inPlane, inPlane);
            int q = c * outPlane;
            for (int od = 0; od < output.D; od++)
            {
                int d0 = AdaptiveStart(od, input.D, output.D), d1 = AdaptiveEnd(od, input.D, output.D);
                for (int oh = 0; oh < output.H; oh++)
                {
                    int h0 = AdaptiveStart(oh, input.H, output.H), h1 = AdaptiveEnd(oh, input.H, output.H);
                    for (int ow = 0; ow < output.W; ow++, q++)
                    {
                        int w0 = AdaptiveStart(ow, input.W, output.W), w1 = AdaptiveEnd(ow, input.W, output.W);
                        float sum = 0f;
                        for (int id = d0; id < d1; id++)
                        for (int ih = h0; ih < h1; ih++)
                        {
                            int row = (id * input.H + ih) * input.W;
                            for (int iw = w0; iw < w1; iw++) sum += xp[row + iw];
                        }
                        y[q] = sum / (d1 - d0) / (h1 - h0) / (w1 - w0);
                    }
                }
            }
        }
    }

    /// <summary>Adds each output gradient, divided by its cell size, to the cell's inputs; gx must be zeroed.</summary>
    public static void AdaptiveAvgBackward(Int3 input, Int3 output, ReadOnlySpan<float> gy, Span<float> gx, int planes)
    {
        int inPlane = input.Volume, outPlane = output.Volume;
        for (int c = 0; c < planes; c++)
        {
            var gp = gx.Slice(c * inPlane, inPlane);
            int q = c * outPlane;
            for (int od = 0; od < output.D; od++)
            {
                int d0 = AdaptiveStart(od, input.D, output.D), d1 = AdaptiveEnd(od, input.D, output.D);
                for (int oh = 0; oh < output.H; oh++)
                {
                    int h0 = AdaptiveStart(oh, input.H, output.H), h1 = AdaptiveEnd(oh, input.H, output.H);
                    for (int ow = 0; ow < output.W; ow++, q++)
                    {
                        int w0 = AdaptiveStart(ow, input.W, output.W), w1 = AdaptiveEnd(ow, input.W, output.W);
                        float share = gy[q] / (d1 - d0) / (h1 - h0) / (w1 - w0);
                        for (int id = d0; id < d1; id++)
                        for (int ih = h0; ih < h1; ih++)
                        {
                            int row = (id * input.H + ih) * input.W;
                            for (int iw = w0; iw < w1; iw++) gp[row + iw] += share;
                        }
                    }
                }
            }
        }
    }

    public static int AdaptiveStart(int o, int input, int output) => (int)((long)o * input / output);

    public static int AdaptiveEnd(int o, int input, int output) => (int)(((long)(o + 1) * input + output - 1) / output);

    /// <summary>The in-bounds taps [start, end) (step = dilation) of a max-pool window, as ATen's loops walk them.</summary>
    private static void Range(int o, int stride, int pad, int kernel, int dilation, int size, out int start, out int end)
    {
        start = o * stride - pad;
        end = Math.Min(start + (kernel - 1) * dilation + 1, size);
        while (start < 0) start += dilation;
    }

    private readonly record struct Window(int D0, int D1, int H0, int H1, int W0, int W1, int Divisor);

    /// <summary>ATen's avg-pool window: padded extent for the count_include_pad divisor, then clipped to the input.</summary>
    private static Window AvgWindow(in PoolWindow p, int q, bool countIncludePad, int divisorOverride)
    {
        var (i, o) = (p.Input, p.Output);
        int ow = q % o.W, oh = q / o.W % o.H, od = q / (o.W * o.H);
        int d0 = od * p.Stride.D - p.Padding.D, h0 = oh * p.Stride.H - p.Padding.H, w0 = ow * p.Stride.W - p.Padding.W;
        int d1 = Math.Min(d0 + p.Kernel.D, i.D + p.Padding.D);
        int h1 = Math.Min(h0 + p.Kernel.H, i.H + p.Padding.H);
        int w1 = Math.Min(w0 + p.Kernel.W, i.W + p.Padding.W);
        int padded = (d1 - d0) * (h1 - h0) * (w1 - w0);
        d0 = Math.Max(d0, 0); h0 = Math.Max(h0, 0); w0 = Math.Max(w0, 0);
        d1 = Math.Min(d1, i.D); h1 = Math.Min(h1, i.H); w1 = Math.Min(w1, i.W);
        if (d0 >= d1 || h0 >= h1 || w0 >= w1) return new Window(0, 0, 0, 0, 0, 0, 0);
        int divisor = divisorOverride > 0 ? divisorOverride : countIncludePad ? padded : (d1 - d0) * (h1 - h0) * (w1 - w0);
        return new Window(d0, d1, h0, h1, w0, w1, divisor);
    }
}
