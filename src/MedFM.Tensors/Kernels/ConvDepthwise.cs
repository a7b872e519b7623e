using System.Numerics;
using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Direct depthwise convolution (groups = input channels, so every output channel reads exactly one input
/// channel; a channel multiplier is allowed). Per-group GEMMs would have a single row, so instead each kernel tap
/// adds a scaled input line to an output line (SIMD over the line). Planes are split across the thread team:
/// output planes for the forward pass, input planes for the input gradient, output channels for the weight gradient.
/// </summary>
public static unsafe class ConvDepthwise
{
    /// <summary>Whether this geometry is depthwise (one input channel per group, more than one group).</summary>
    public static bool Applies(ConvGeometry g) => g.Groups > 1 && g.InPerGroup == 1;

    public static void Forward(ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            var job = new Job(g, Direction.Forward, px, pw, bias.IsEmpty ? null : pb, py);
            Run(ref job, g.Batch * g.OutChannels, g);
        }
    }

    /// <summary>The input gradient (overwrites gx).</summary>
    public static void BackwardInput(ConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> w, Span<float> gx)
    {
        fixed (float* pgy = gy, pw = w, pgx = gx)
        {
            var job = new Job(g, Direction.Input, pgx, pw, null, pgy);
            Run(ref job, g.Batch * g.InChannels, g);
        }
    }

    /// <summary>The weight gradient summed over the batch (overwrites gw).</summary>
    public static void BackwardWeight(ConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> x, Span<float> gw)
    {
        fixed (float* pgy = gy, px = x, pgw = gw)
        {
            var job = new Job(g, Direction.Weight, px, pgw, null, pgy);
            Run(ref job, g.OutChannels, g);
        }
    }

    private enum Direction { Forward, Input, Weight }

    private static void Run(ref Job job, int units, ConvGeometry g)
    {
        long work = (long)units * g.OutPlane * g.Kernel.Volume;
        if (work < 1 << 15 || ThreadTeam.InsideTeam) job.Execute(0, 1);
        else ThreadTeam.Default.Run(ref job);
    }

    private readonly struct Job : ITeamJob
    {
        private readonly ConvGeometry g;
        private readonly Direction dir;
        private readonly float* x, w, bias, y;

        /// <summary>x/y are the input/output planes (their gradients for the input direction); w the weight or its gradient.</summary>
        public Job(ConvGeometry g, Direction dir, float* x, float* w, float* bias, float* y)
        {
            this.g = g;
            this.dir = dir;
            this.x = x;
            this.w = w;
            this.bias = bias;
            this.y = y;
        }

        public void Execute(int thread, int threads)
        {
            int units = dir switch { Direction.Forward => g.Batch * g.OutChannels, Direction.Input => g.Batch * g.InChannels, _ => g.OutChannels };
            int u0 = (int)((long)units * thread / threads), u1 = (int)((long)units * (thread + 1) / threads);
            for (int u = u0; u < u1; u++)
            {
                if (dir == Direction.Forward) ForwardPlane(u);
                else if (dir == Direction.Input) InputPlane(u);
                else WeightChannel(u);
            }
        }

        /// <summary>Output plane u = n·Cout + o.</summary>
        private void ForwardPlane(int u)
        {
            int o = u % g.OutChannels, n = u / g.OutChannels;
            float* yp = y + (long)u * g.OutPlane;
            new Span<float>(yp, g.OutPlane).Fill(bias is null ? 0f : bias[o]);
            float* xp = x + ((long)n * g.InChannels + o / g.OutPerGroup) * g.InPlane;
            ApplyTaps(g, w + (long)o * g.Kernel.Volume, yp, xp, scatter: false);
        }

        /// <summary>Input-gradient plane u = n·Cin + c: gathers from the channel's OutPerGroup output planes.</summary>
        private void InputPlane(int u)
        {
            int c = u % g.InChannels, n = u / g.InChannels;
            float* gxp = x + (long)u * g.InPlane;
            new Span<float>(gxp, g.InPlane).Clear();
            for (int m = 0; m < g.OutPerGroup; m++)
            {
                int o = c * g.OutPerGroup + m;
                float* gyp = y + ((long)n * g.OutChannels + o) * g.OutPlane;
                ApplyTaps(g, w + (long)o * g.Kernel.Volume, gyp, gxp, scatter: true);
            }
        }

        /// <summary>Weight-gradient rows of output channel o, summed over the batch.</summary>
        private void WeightChannel(int o)
        {
            int kvol = g.Kernel.Volume;
            float* gw = w + (long)o * kvol;
            var sums = stackalloc double[kvol];
            for (int n = 0; n < g.Batch; n++)
            {
                float* gyp = y + ((long)n * g.OutChannels + o) * g.OutPlane;
                float* xp = x + ((long)n * g.InChannels + o / g.OutPerGroup) * g.InPlane;
                int tap = 0;
                var (k, s, pad, dil) = (g.Kernel, g.Stride, g.Padding, g.Dilation);
                for (int kd = 0; kd < k.D; kd++)
                for (int kh = 0; kh < k.H; kh++)
                for (int kw = 0; kw < k.W; kw++, tap++)
                {
                    int start = kw * dil.W - pad.W;
                    ConvColumns.Inside(g.Input.W, start, s.W, g.Output.W, out int lo, out int hi);
                    double acc = 0;
                    for (int od = 0; od < g.Output.D; od++)
                    {
                        int id = od * s.D - pad.D + kd * dil.D;
                        if ((uint)id >= (uint)g.Input.D) continue;
                        for (int oh = 0; oh < g.Output.H; oh++)
                        {
                            int ih = oh * s.H - pad.H + kh * dil.H;
                            if ((uint)ih >= (uint)g.Input.H) continue;
                            float* gyl = gyp + ((long)od * g.Output.H + oh) * g.Output.W;
                            float* xl = xp + ((long)id * g.Input.H + ih) * g.Input.W + start;
                            acc += Dot(gyl, xl, s.W, lo, hi);
                        }
                    }
                    sums[tap] += acc;
                }
            }
            for (int t = 0; t < kvol; t++) gw[t] = (float)sums[t];
        }
    }

    /// <summary>
    /// For every kernel tap and output line whose input line lies inside the input: out += w·in (gather form, the
    /// forward pass) or in += w·out (scatter form, the input gradient), with input element start + j·stride for
    /// output element j.
    /// </summary>
    private static void ApplyTaps(ConvGeometry g, float* wo, float* outPlane, float* inPlane, bool scatter)
    {
        var (k, s, pad, dil) = (g.Kernel, g.Stride, g.Padding, g.Dilation);
        int tap = 0;
        for (int kd = 0; kd < k.D; kd++)
        for (int kh = 0; kh < k.H; kh++)
        for (int kw = 0; kw < k.W; kw++, tap++)
        {
            int start = kw * dil.W - pad.W;
            ConvColumns.Inside(g.Input.W, start, s.W, g.Output.W, out int lo, out int hi);
            if (hi <= lo) continue;
            float wv = wo[tap];
            for (int od = 0; od < g.Output.D; od++)
            {
                int id = od * s.D - pad.D + kd * dil.D;
                if ((uint)id >= (uint)g.Input.D) continue;
                for (int oh = 0; oh < g.Output.H; oh++)
                {
                    int ih = oh * s.H - pad.H + kh * dil.H;
                    if ((uint)ih >= (uint)g.Input.H) continue;
                    float* outLine = outPlane + ((long)od * g.Output.H + oh) * g.Output.W;
                    float* inLine = inPlane + ((long)id * g.Input.H + ih) * g.Input.W + start;
                    if (scatter) AxpyScatter(wv, outLine, inLine, s.W, lo, hi);
                    else Axpy(wv, inLine, s.W, outLine, lo, hi);
                }
            }
        }
    }

    /// <summary>dst[j] += a · src[j·stride] for j in [lo, hi).</summary>
    private static void Axpy(float a, float* src, int stride, float* dst, int lo, int hi)
    {
        int j = lo;
        if (stride == 1 && Vector.IsHardwareAccelerated)
        {
            var va = new Vector<float>(a);
            for (; j + Vector<float>.Count <= hi; j += Vector<float>.Count)
            {
                var d = Vector.Load(dst + j);
                Vector.Store(d + va * Vector.Load(src + j), dst + j);
            }
        }
        for (; j < hi; j++) dst[j] += a * src[j * stride];
    }

    /// <summary>dst[j·stride] += a · src[j] for j in [lo, hi).</summary>
    private static void AxpyScatter(float a, float* src, float* dst, int stride, int lo, int hi)
    {
        if (stride == 1)
        {
            Axpy(a, src, 1, dst, lo, hi);
            return;
        }
        for (int j = lo; j < hi; j++) dst[j * stride] += a * src[j];
    }

    /// <summary>Σ_{j in [lo, hi)} a[j] · b[j·stride].</summary>
    private static double Dot(float* a, float* b, int stride, int lo, int hi)
    {
        int j = lo;
        float acc = 0f;
        if (stride == 1 && Vector.IsHardwareAccelerated)
        {
            var v = Vector<float>.Zero;
            for (; j + Vector<float>.Count <= hi; j += Vector<float>.Count) v += Vector.Load(a + j) * Vector.Load(b + j);
            acc = Vector.Sum(v);
        }
        for (; j < hi; j++) acc += a[j] * b[j * stride];
        return acc;
    }
}
