namespace MedFM.Tensors.Kernels;

/// <summary>
/// The column matrix of one group: col [C·KD·KH·KW, OD·OH·OW] with col[(c, k), p] = x[c, p·s − pad + k·d]
/// (0 outside the input), and its adjoint that adds columns back into the image.
/// </summary>
internal static class ConvColumns
{
    /// <summary>im2col for one group's channels (overwrites col).</summary>
    public static void Lower(ConvGeometry g, ReadOnlySpan<float> x, int channels, Span<float> col)
    {
        var (i, k, o) = (g.Input, g.Kernel, g.Output);
        int l = o.Volume, row = 0;
        for (int c = 0; c < channels; c++)
        for (int kd = 0; kd < k.D; kd++)
        for (int kh = 0; kh < k.H; kh++)
        for (int kw = 0; kw < k.W; kw++, row++)
        {
            var dst = col.Slice(row * l, l);
            int q = 0;
            for (int od = 0; od < o.D; od++)
            {
                int id = od * g.Stride.D - g.Padding.D + kd * g.Dilation.D;
                for (int oh = 0; oh < o.H; oh++, q += o.W)
                {
                    int ih = oh * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                    var line = dst.Slice(q, o.W);
                    if ((uint)id >= (uint)i.D || (uint)ih >= (uint)i.H) { line.Clear(); continue; }
                    var src = x.Slice(((c * i.D + id) * i.H + ih) * i.W, i.W);
                    CopyLine(src, line, kw * g.Dilation.W - g.Padding.W, g.Stride.W);
                }
            }
        }
    }

    /// <summary>col2im for one group's channels: adds every column entry into x (x must be zeroed first).</summary>
    public static void Raise(ConvGeometry g, ReadOnlySpan<float> col, int channels, Span<float> x)
    {
        var (i, k, o) = (g.Input, g.Kernel, g.Output);
        int l = o.Volume, row = 0;
        for (int c = 0; c < channels; c++)
        for (int kd = 0; kd < k.D; kd++)
        for (int kh = 0; kh < k.H; kh++)
        for (int kw = 0; kw < k.W; kw++, row++)
        {
            var srcRow = col.Slice(row * l, l);
            int q = 0;
            for (int od = 0; od < o.D; od++)
            {
                int id = od * g.Stride.D - g.Padding.D + kd * g.Dilation.D;
                for (int oh = 0; oh < o.H; oh++, q += o.W)
                {
                    int ih = oh * g.Stride.H - g.Padding.H + kh * g.Dilation.H;
                    if ((uint)id >= (uint)i.D || (uint)ih >= (uint)i.H) continue;
                    var dst = x.Slice(((c * i.D + id) * i.H + ih) * i.W, i.W);
                    AddLine(srcRow.Slice(q, o.W), dst, kw * g.Dilation.W - g.Padding.W, g.Stride.W);
                }
            }
        }
    }

    /// <summary>line[j] = src[start + j·stride], 0 where that falls outside src.</summary>
    private static void CopyLine(ReadOnlySpan<float> src, Span<float> line, int start, int stride)
    {
        int n = line.Length, w = src.Length;
        if (stride == 1 && start >= 0 && start + n <= w)
        {
            src.Slice(start, n).CopyTo(line);
            return;
        }
        for (int j = 0; j < n; j++)
        {
            int s = start + j * stride;
            line[j] = (uint)s < (uint)w ? src[s] : 0f;
        }
    }

    /// <summary>dst[start + j·stride] += line[j] where that falls inside dst.</summary>
    private static void AddLine(ReadOnlySpan<float> line, Span<float> dst, int start, int stride)
    {
        int n = line.Length, w = dst.Length;
        for (int j = 0; j < n; j++)
        {
            int s = start + j * stride;
            if ((uint)s < (uint)w) dst[s] += line[j];
        }
    }
}
