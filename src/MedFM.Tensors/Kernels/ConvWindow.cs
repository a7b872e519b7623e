namespace MedFM.Tensors.Kernels;

/// <summary>
/// The sliding window of a 2-D or 3-D convolution over one image [C, D, H, W] (2-D: D = 1 and a kernel depth of 1):
/// kernel, stride, padding (zeros) and dilation per axis, and the output size that follows from them, as in
/// PyTorch: out = ⌊(in + 2·pad − dilation·(kernel − 1) − 1) / stride⌋ + 1.
/// <para>
/// The column matrix of <see cref="Im2Col"/> is [C·KD·KH·KW, OD·OH·OW], rows ordered (c, kd, kh, kw) and columns
/// (od, oh, ow), so a convolution is W[Cout, C·KD·KH·KW] × columns (the Caffe / PyTorch layout).
/// </para>
/// </summary>
public readonly record struct ConvWindow
{
    private ConvWindow(int channels, (int D, int H, int W) input, (int D, int H, int W) kernel,
        (int D, int H, int W) stride, (int D, int H, int W) padding, (int D, int H, int W) dilation)
    {
        if (channels < 1) throw new ArgumentException($"conv window: {channels} channels; at least 1 is needed", nameof(channels));
        Channels = channels;
        (InD, InH, InW) = input;
        (KD, KH, KW) = kernel;
        (SD, SH, SW) = stride;
        (PD, PH, PW) = padding;
        (DD, DH, DW) = dilation;
        OutD = Output("depth", InD, KD, SD, PD, DD);
        OutH = Output("height", InH, KH, SH, PH, DH);
        OutW = Output("width", InW, KW, SW, PW, DW);
        if ((long)ColumnRowsLong * OutD * OutH * OutW > int.MaxValue || (long)channels * InD * InH * InW > int.MaxValue)
            throw new ArgumentException($"conv window: {this} needs more than {int.MaxValue} elements");
    }

    /// <summary>A 2-D window over an image [channels, height, width].</summary>
    public static ConvWindow Of2D(int channels, (int H, int W) input, (int H, int W) kernel,
        (int H, int W)? stride = null, (int H, int W)? padding = null, (int H, int W)? dilation = null)
    {
        var s = stride ?? (1, 1);
        var p = padding ?? (0, 0);
        var d = dilation ?? (1, 1);
        return new ConvWindow(channels, (1, input.H, input.W), (1, kernel.H, kernel.W), (1, s.H, s.W), (0, p.H, p.W), (1, d.H, d.W));
    }

    /// <summary>A 3-D window over a volume [channels, depth, height, width].</summary>
    public static ConvWindow Of3D(int channels, (int D, int H, int W) input, (int D, int H, int W) kernel,
        (int D, int H, int W)? stride = null, (int D, int H, int W)? padding = null, (int D, int H, int W)? dilation = null) =>
        new(channels, input, kernel, stride ?? (1, 1, 1), padding ?? (0, 0, 0), dilation ?? (1, 1, 1));

    public int Channels { get; }
    public int InD { get; }
    public int InH { get; }
    public int InW { get; }
    public int KD { get; }
    public int KH { get; }
    public int KW { get; }
    public int SD { get; }
    public int SH { get; }
    public int SW { get; }
    public int PD { get; }
    public int PH { get; }
    public int PW { get; }
    public int DD { get; }
    public int DH { get; }
    public int DW { get; }
    public int OutD { get; }
    public int OutH { get; }
    public int OutW { get; }

    /// <summary>Rows of the column matrix: C·KD·KH·KW.</summary>
    public int ColumnRows => Channels * KD * KH * KW;

    /// <summary>Columns of the column matrix: OD·OH·OW (output positions).</summary>
    public int ColumnCols => OutD * OutH * OutW;

    /// <summary>Elements of the column matrix.</summary>
    public int ColumnLength => ColumnRows * ColumnCols;

    /// <summary>Elements of the image: C·D·H·W.</summary>
    public int ImageLength => Channels * InD * InH * InW;

    private long ColumnRowsLong => (long)Channels * KD * KH * KW;

    public override string ToString() =>
        $"C={Channels} in=({InD},{InH},{InW}) kernel=({KD},{KH},{KW}) stride=({SD},{SH},{SW}) " +
        $"padding=({PD},{PH},{PW}) dilation=({DD},{DH},{DW}) out=({OutD},{OutH},{OutW})";

    private static int Output(string axis, int input, int kernel, int stride, int padding, int dilation)
    {
        if (input < 1) throw new ArgumentException($"conv window: input {axis} is {input}; at least 1 is needed", "input");
        if (kernel < 1) throw new ArgumentException($"conv window: kernel {axis} is {kernel}; at least 1 is needed", "kernel");
        if (stride < 1) throw new ArgumentException($"conv window: stride along {axis} is {stride}; at least 1 is needed", "stride");
        if (padding < 0) throw new ArgumentException($"conv window: padding along {axis} is {padding}; it cannot be negative", "padding");
        if (dilation < 1) throw new ArgumentException($"conv window: dilation along {axis} is {dilation}; at least 1 is needed", "dilation");
        long span = (long)dilation * (kernel - 1) + 1;
        long room = (long)input + 2L * padding - span;
        if (room < 0)
            throw new ArgumentException($"conv window: the dilated kernel ({span}) is larger than the padded input {axis} " +
                $"({input} + 2·{padding}); no output position fits", "kernel");
        return (int)(room / stride + 1);
    }
}
