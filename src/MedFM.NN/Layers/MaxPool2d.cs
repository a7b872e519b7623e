using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.MaxPool2d (stride defaults to the kernel size; padding counts as −inf; optional ceil mode).</summary>
public sealed class MaxPool2d : Module<Tensor, Tensor>
{
    private readonly bool givenAsInt;

    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool ceilMode = false)
        : this(new[] { kernelSize, kernelSize }, stride is int s ? new[] { s, s } : null, new[] { padding, padding }, new[] { dilation, dilation }, ceilMode)
    {
        givenAsInt = true;
    }

    public MaxPool2d(int[] kernelSize, int[]? stride, int[] padding, int[] dilation, bool ceilMode = false)
    {
        KernelSize = Functional.Pair(kernelSize, 1, 2);
        Stride = stride is null ? (int[])KernelSize.Clone() : Functional.Pair(stride, 1, 2);
        Padding = Functional.Pair(padding, 0, 2);
        Dilation = Functional.Pair(dilation, 1, 2);
        CeilMode = ceilMode;
    }

    public int[] KernelSize { get; }

    public int[] Stride { get; }

    public int[] Padding { get; }

    public int[] Dilation { get; }

    public bool CeilMode { get; }

    public override Tensor Forward(Tensor input) => Tensor.MaxPool2d(input, Functional.ToInt2(KernelSize), Functional.ToInt2(Stride), Functional.ToInt2(Padding), Functional.ToInt2(Dilation), CeilMode);

    protected override string ExtraRepr() =>
        $"kernel_size={PyRepr.IntOrTuple(KernelSize, givenAsInt)}, stride={PyRepr.IntOrTuple(Stride, givenAsInt)}, " +
        $"padding={PyRepr.IntOrTuple(Padding, givenAsInt)}, dilation={PyRepr.IntOrTuple(Dilation, givenAsInt)}, ceil_mode={PyRepr.Bool(CeilMode)}";
}
