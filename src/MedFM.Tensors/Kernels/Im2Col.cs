using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// im2col for 2-D and 3-D convolution: columns[(c, kd, kh, kw), (od, oh, ow)] = image[c, od·sd − pd + kd·dd,
/// oh·sh − ph + kh·dh, ow·sw − pw + kw·dw], 0 where that falls in the padding (see <see cref="ConvWindow"/>).
/// Every column row is written (no need to clear first). Rows are split over the thread team for large images;
/// each output line is a block copy when the stride along W is 1.
/// </summary>
public static unsafe class Im2Col
{
    private const int ParallelElements = 1 << 16;

    /// <summary>Fills <paramref name="columns"/> ([ColumnRows, ColumnCols]) from <paramref name="image"/> ([C, D, H, W]).</summary>
    public static void Run(in ConvWindow window, ReadOnlySpan<float> image, Span<float> columns) =>
        Run(window, image, columns, ThreadTeam.Default);

    internal static void Run(in ConvWindow window, ReadOnlySpan<float> image, Span<float> columns, ThreadTeam team)
    {
        CheckLengths(window, image.Length, columns.Length);
        fixed (float* x = image, col = columns)
        {
            var job = new Job { Window = window, Image = x, Columns = col };
            if (window.ColumnLength < ParallelElements) job.Execute(0, 1);
            else team.Run(ref job);
        }
    }

    internal static void CheckLengths(in ConvWindow w, int imageLength, int columnsLength)
    {
        if (imageLength < w.ImageLength)
            throw new ArgumentException($"im2col: the image has {imageLength} elements, {w} needs {w.ImageLength}", "image");
        if (columnsLength < w.ColumnLength)
            throw new ArgumentException($"im2col: the columns have {columnsLength} elements, {w} needs {w.ColumnLength} ({w.ColumnRows}x{w.ColumnCols})", "columns");
    }

    /// <summary>The output positions ow whose input column ow·sw + offset lies inside [0, width): [lo, hi).</summary>
    internal static (int Lo, int Hi) InsideRange(int offset, int stride, int width, int outWidth)
    {
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int hi = width - 1 - offset < 0 ? 0 : Math.Min(outWidth, (width - 1 - offset) / stride + 1);
        lo = Math.Min(lo, outWidth);
        return (lo, Math.Max(lo, hi));
    }

    private struct Job : ITeamJob
    {
        public ConvWindow Window;
        public float* Image, Columns;

        public readonly void Execute(int thread, int threads)
        {
            int rows = Window.ColumnRows;
            int lo = (int)((long)rows * thread / threads), hi = (int)((long)rows * (thread + 1) / threads);
            for (int row = lo; row < hi; row++) LowerRow(Window, Image, Columns + (long)row * Window.ColumnCols, row);
        }
    }

    private static void LowerRow(in ConvWindow w, float* image, float* dst, int row)
    {
        int kw = row % w.KW, r = row / w.KW;
        int kh = r % w.KH;
        r /= w.KH;
        int kd = r % w.KD, c = r / w.KD;
        float* plane = image + (long)c * w.InD * w.InH * w.InW;
        int offW = kw * w.DW - w.PW;
        var (lo, hi) = InsideRange(offW, w.SW, w.InW, w.OutW);
        for (int od = 0; od < w.OutD; od++)
        {
            int id = od * w.SD - w.PD + kd * w.DD;
            for (int oh = 0; oh < w.OutH; oh++, dst += w.OutW)
            {
                int ih = oh * w.SH - w.PH + kh * w.DH;
                var line = new Span<float>(dst, w.OutW);
                if ((uint)id >= (uint)w.InD || (uint)ih >= (uint)w.InH)
                {
                    line.Clear();
                    continue;
                }
                float* src = plane + ((long)id * w.InH + ih) * w.InW + offW;
                line[..lo].Clear();
                line[hi..].Clear();
                if (w.SW == 1) new ReadOnlySpan<float>(src + lo, hi - lo).CopyTo(line[lo..hi]);
                else for (int ow = lo; ow < hi; ow++) dst[ow] = src[(long)ow * w.SW];
            }
        }
    }
}
