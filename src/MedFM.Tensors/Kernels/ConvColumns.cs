using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// The column matrix of one group, for a range [p0, p1) of output positions: col [C·KD·KH·KW, p1 − p0] with
/// col[(c, k), p − p0] = x[c, p·s − pad + k·d] (0 outside the input), and its adjoint that adds the columns back
/// into the image. The whole matrix goes to the shared <see cref="Im2Col"/> / <see cref="Col2Im"/>; column ranges,
/// which those do not offer, are lowered here, so a large (3-D) convolution runs chunk by chunk through a small
/// buffer. Rows are split across the thread team (lowering by row, raising by channel, so no two threads write the
/// same element).
/// </summary>
internal static unsafe class ConvColumns
{
    /// <summary>Below this many column elements one thread does the whole job.</summary>
    private const int ParallelThreshold = 1 << 16;

    /// <summary>im2col of output positions [p0, p1) for one group's channels (overwrites col).</summary>
    public static void Lower(ConvGeometry g, ReadOnlySpan<float> x, int channels, Span<float> col, int p0, int p1)
    {
        if (Whole(g, channels, p0, p1, out var window))
        {
            Im2Col.Run(window, x, col);
            return;
        }
        fixed (float* px = x, pc = col)
        {
            var job = new Job(g, px, pc, channels, p0, p1, raise: false);
            Run(ref job, channels * g.Kernel.Volume * (p1 - p0));
        }
    }

    /// <summary>col2im of output positions [p0, p1): adds every column entry into x (which holds earlier sums or zeros).</summary>
    public static void Raise(ConvGeometry g, ReadOnlySpan<float> col, int channels, Span<float> x, int p0, int p1)
    {
        if (Whole(g, channels, p0, p1, out var window))
        {
            Col2Im.Run(window, col, x, accumulate: true);
            return;
        }
        fixed (float* px = x, pc = col)
        {
            var job = new Job(g, px, pc, channels, p0, p1, raise: true);
            Run(ref job, channels * g.Kernel.Volume * (p1 - p0));
        }
    }

    /// <summary>
    /// Whether [p0, p1) is the whole column matrix and the shared window agrees on the output size (a transposed
    /// convolution's output_padding can make the inverse convolution's natural output one larger than its input).
    /// </summary>
    private static bool Whole(ConvGeometry g, int channels, int p0, int p1, out ConvWindow window)
    {
        window = default;
        if (p0 != 0 || p1 != g.OutPlane) return false;
        var (i, k, s, pad, d) = (g.Input, g.Kernel, g.Stride, g.Padding, g.Dilation);
        window = ConvWindow.Of3D(channels, (i.D, i.H, i.W), (k.D, k.H, k.W), (s.D, s.H, s.W), (pad.D, pad.H, pad.W), (d.D, d.H, d.W));
        return window.OutD == g.Output.D && window.OutH == g.Output.H && window.OutW == g.Output.W;
    }

    private static void Run(ref Job job, long work)
    {
        if (work < ParallelThreshold || ThreadTeam.InsideTeam) job.Execute(0, 1);
        else ThreadTeam.Default.Run(ref job);
    }

    private readonly struct Job : ITeamJob
    {
        private readonly ConvGeometry g;
        private readonly float* x, col;
        private readonly int channels, p0, p1;
        private readonly bool raise;

        public Job(ConvGeometry g, float* x, float* col, int channels, int p0, int p1, bool raise)
        {
            this.g = g;
            this.x = x;
            this.col = col;
            this.channels = channels;
            this.p0 = p0;
            this.p1 = p1;
            this.raise = raise;
        }

        public void Execute(int thread, int threads)
        {
            // Split whole channels: a channel's rows all write into its own plane when raising.
            int c0 = (int)((long)channels * thread / threads), c1 = (int)((long)channels * (thread + 1) / threads);
            int kvol = g.Kernel.Volume;
            for (int row = c0 * kvol; row < c1 * kvol; row++) DoRow(row);
        }

        private void DoRow(int row)
        {
            var (i, k, o, s, pad, dil) = (g.Input, g.Kernel, g.Output, g.Stride, g.Padding, g.Dilation);
            int kvol = k.Volume, len = p1 - p0;
            int c = row / kvol, kk = row % kvol;
            int kd = kk / (k.H * k.W), kh = kk / k.W % k.H, kw = kk % k.W;
            float* dst = col + (long)row * len;
            float* plane = x + (long)c * i.Volume;
            int hw = o.H * o.W, wStart = kw * dil.W - pad.W;
            for (int p = p0; p < p1;)
            {
                int od = p / hw, rem = p % hw, oh = rem / o.W, ow = rem % o.W;
                int n = Math.Min(o.W - ow, p1 - p);
                int id = od * s.D - pad.D + kd * dil.D, ih = oh * s.H - pad.H + kh * dil.H;
                float* seg = dst + (p - p0);
                if ((uint)id < (uint)i.D && (uint)ih < (uint)i.H)
                {
                    float* line = plane + ((long)id * i.H + ih) * i.W;
                    if (raise) AddLine(seg, line, i.W, wStart + ow * s.W, s.W, n);
                    else CopyLine(line, i.W, seg, wStart + ow * s.W, s.W, n);
                }
                else if (!raise)
                {
                    new Span<float>(seg, n).Clear();
                }
                p += n;
            }
        }
    }

    /// <summary>The j in [lo, hi) with 0 ≤ start + j·stride &lt; width, for j in [0, n).</summary>
    internal static void Inside(int width, int start, int stride, int n, out int lo, out int hi)
    {
        lo = start >= 0 ? 0 : (-start + stride - 1) / stride;
        hi = start >= width ? 0 : Math.Min(n, (width - 1 - start) / stride + 1);
        if (hi < lo) hi = lo;
    }

    /// <summary>seg[j] = line[start + j·stride], 0 where that falls outside the line.</summary>
    private static void CopyLine(float* line, int width, float* seg, int start, int stride, int n)
    {
        Inside(width, start, stride, n, out int lo, out int hi);
        for (int j = 0; j < lo; j++) seg[j] = 0f;
        if (stride == 1)
        {
            new ReadOnlySpan<float>(line + start + lo, hi - lo).CopyTo(new Span<float>(seg + lo, hi - lo));
        }
        else
        {
            float* src = line + start;
            for (int j = lo; j < hi; j++) seg[j] = src[j * stride];
        }
        for (int j = hi; j < n; j++) seg[j] = 0f;
    }

    /// <summary>line[start + j·stride] += seg[j] where that falls inside the line.</summary>
    private static void AddLine(float* seg, float* line, int width, int start, int stride, int n)
    {
        Inside(width, start, stride, n, out int lo, out int hi);
        if (stride == 1 && hi > lo)
        {
            var d = new Span<float>(line + start + lo, hi - lo);
            System.Numerics.Tensors.TensorPrimitives.Add(d, new ReadOnlySpan<float>(seg + lo, hi - lo), d);
            return;
        }
        float* dst = line + start;
        for (int j = lo; j < hi; j++) dst[j * stride] += seg[j];
    }
}
