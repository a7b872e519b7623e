namespace MedFM.Tensors.Kernels;

/// <summary>
/// The shapes of one convolution, in the 3-D form every conv kernel works on (a 2-D convolution has depth 1,
/// kernel depth 1, stride/dilation 1 and padding 0 along D). Tensors are dense NC(D)HW: input
/// [Batch, InChannels, Input], weight [OutChannels, InChannels/Groups, Kernel], output [Batch, OutChannels, Output].
/// The output size is stored, not derived, so a transposed convolution can name the larger size its
/// output_padding gives.
/// </summary>
public sealed class ConvGeometry
{
    public ConvGeometry(int batch, int inChannels, int outChannels, int groups,
        Int3 input, Int3 kernel, Int3 stride, Int3 padding, Int3 dilation, Int3 output)
    {
        Batch = batch;
        InChannels = inChannels;
        OutChannels = outChannels;
        Groups = groups;
        Input = input;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Output = output;
    }

    public int Batch { get; }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int Groups { get; }

    public Int3 Input { get; }

    public Int3 Kernel { get; }

    public Int3 Stride { get; }

    public Int3 Padding { get; }

    public Int3 Dilation { get; }

    public Int3 Output { get; }

    public int InPerGroup => InChannels / Groups;

    public int OutPerGroup => OutChannels / Groups;

    /// <summary>Elements of one input channel plane (D·H·W).</summary>
    public int InPlane => Input.Volume;

    /// <summary>Output positions per channel (L of the GEMM).</summary>
    public int OutPlane => Output.Volume;

    /// <summary>Rows of one group's column matrix: InPerGroup · kernel volume (K of the GEMM).</summary>
    public int ColRows => InPerGroup * Kernel.Volume;

    /// <summary>A 1×1(×1) kernel with stride 1 and no padding: the input plane is the column matrix itself.</summary>
    public bool IsPointwise =>
        Kernel.Volume == 1 && Stride == new Int3(1, 1, 1) && Padding == new Int3(0, 0, 0) && Output == Input;

    /// <summary>Non-overlapping patches (kernel = stride, no padding, no dilation), as ViT/SAM patch embeddings.</summary>
    public bool IsPatch =>
        Kernel == Stride && Padding == new Int3(0, 0, 0) && Dilation == new Int3(1, 1, 1) && Kernel.Volume > 1;

    /// <summary>PyTorch's output length along one axis: floor((in + 2p − d(k−1) − 1) / s) + 1 (may be ≤ 0 for bad input).</summary>
    public static int OutputLength(int input, int kernel, int stride, int padding, int dilation)
    {
        long span = (long)input + 2L * padding - (long)dilation * (kernel - 1) - 1;
        return span < 0 ? 0 : (int)(span / stride + 1);
    }

    /// <summary>Output length of a transposed convolution: (in − 1)s − 2p + d(k − 1) + outputPadding + 1.</summary>
    public static int TransposedOutputLength(int input, int kernel, int stride, int padding, int dilation, int outputPadding) =>
        (int)Math.Min(int.MaxValue, (long)(input - 1) * stride - 2L * padding + (long)dilation * (kernel - 1) + outputPadding + 1);

    public override string ToString() =>
        $"batch {Batch}, channels {InChannels}->{OutChannels}, groups {Groups}, input {Input}, kernel {Kernel}, " +
        $"stride {Stride}, padding {Padding}, dilation {Dilation}, output {Output}";
}
