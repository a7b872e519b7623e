using System.Numerics.Tensors;
using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// col2im, the adjoint of <see cref="Im2Col"/>: every column entry is added into the image position it was read
/// from (entries that came from the padding are dropped), so overlapping windows sum. This turns the column
/// gradient Wᵀ·dY into the input gradient of a convolution (and is the core of a transposed convolution).
/// Channels are split over the thread team for large images; each channel is summed in one fixed order.
/// </summary>
public static unsafe class Col2Im
{
    private const int ParallelElements = 1 << 16;

    /// <summary>
    /// image[C, D, H, W] = (accumulate ? image : 0) + Σ columns scattered back. <paramref name="columns"/> is
    /// [ColumnRows, ColumnCols] as written by <see cref="Im2Col.Run(in ConvWindow, ReadOnlySpan{float}, Span{float})"/>.
    /// </summary>
    public static void Run(in ConvWindow window, ReadOnlySpan<float> columns, Span<float> image, bool accumulate = false) =>
        Run(window, columns, image, accumulate, ThreadTeam.Default);

    internal static void Run(in ConvWindow window, ReadOnlySpan<float> columns, Span<float> image, bool accumulate, ThreadTeam team)
    {
        Im2Col.CheckLengths(window, image.Length, columns.Length);
        fixed (float* x = image, col = columns)
        {
            var job = new Job { Window = window, Image = x, Columns = col, Accumulate = accumulate };
            if (window.ColumnLength < ParallelElements || window.Channels == 1) job.Execute(0, 1);
            else team.Run(ref job, window.Channels);
        }
    }

    private struct Job : ITeamJob
    {
        public ConvWindow Window;
        public float* Image, Columns;
        public bool Accumulate;

        public readonly void Execute(int thread, int threads)
        {
            int channels = Window.Channels;
            int lo = (int)((long)channels * thread / threads), hi = (int)((long)channels * (thread + 1) / threads);
            int planeLength = Window.InD * Window.InH * Window.InW;
            int rowsPerChannel = Window.KD * Window.KH * Window.KW;
            for (int c = lo; c < hi; c++)
            {
                float* plane = Image + (long)c * planeLength;
                if (!Accumulate) new Span<float>(plane, planeLength).Clear();
                for (int r = 0; r < rowsPerChannel; r++)
                {
                    int row = c * rowsPerChannel + r;
                    RaiseRow(Window, plane, Columns + (long)row * Window.ColumnCols, r);
                }
            }
        }
    }

    /// <summary>Adds one column row (kernel offset <paramref name="k"/> within its channel) into the channel's plane.</summary>
    private static void RaiseRow(in ConvWindow w, float* plane, float* src, int k)
    {
        int kw = k % w.KW, r = k / w.KW;
        int kh = r % w.KH, kd = r / w.KH;
        int offW = kw * w.DW - w.PW;
        var (lo, hi) = Im2Col.InsideRange(offW, w.SW, w.InW, w.OutW);
        if (hi <= lo) return;
        for (int od = 0; od < w.OutD; od++)
        {
            int id = od * w.SD - w.PD + kd * w.DD;
            for (int oh = 0; oh < w.OutH; oh++, src += w.OutW)
            {
                int ih = oh * w.SH - w.PH + kh * w.DH;
                if ((uint)id >= (uint)w.InD || (uint)ih >= (uint)w.InH) continue;
                float* dst = plane + ((long)id * w.InH + ih) * w.InW + offW;
                if (w.SW == 1)
                {
                    var d = new Span<float>(dst + lo, hi - lo);
                    TensorPrimitives.Add(d, new ReadOnlySpan<float>(src + lo, hi - lo), d);
                }
                else
                {
                    for (int ow = lo; ow < hi; ow++) dst[(long)ow * w.SW] += src[ow];
                }
            }
        }
    }
}
