using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.AvgPool2d (stride defaults to the kernel size; count_include_pad, ceil mode, divisor override).</summary>
public sealed class AvgPool2d : Module<Tensor, Tensor>
{
    private readonly bool givenAsInt;

    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        : this(new[] { kernelSize, kernelSize }, stride is int s ? new[] { s, s } : null, new[] { padding, padding }, ceilMode, countIncludePad, divisorOverride)
    {
        givenAsInt = true;
    }

    public AvgPool2d(int[] kernelSize, int[]? stride, int[] padding, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    {
        KernelSize = Functional.Pair(kernelSize, 1, 2);
        Stride = stride is null ? (int[])KernelSize.Clone() : Functional.Pair(stride, 1, 2);
        Padding = Functional.Pair(padding, 0, 2);
        CeilMode = ceilMode;
        CountIncludePad = countIncludePad;
        DivisorOverride = divisorOverride;
    }

    public int[] KernelSize { get; }

    public int[] Stride { get; }

    public int[] Padding { get; }

    public bool CeilMode { get; }

    public bool CountIncludePad { get; }

    public int? DivisorOverride { get; }

    public override Tensor Forward(Tensor input) =>
        Tensor.AvgPool2d(input, Functional.ToInt2(KernelSize), Functional.ToInt2(Stride), Functional.ToInt2(Padding), CeilMode, CountIncludePad, DivisorOverride);

    protected override string ExtraRepr() =>
        $"kernel_size={PyRepr.IntOrTuple(KernelSize, givenAsInt)}, stride={PyRepr.IntOrTuple(Stride, givenAsInt)}, padding={PyRepr.IntOrTuple(Padding, givenAsInt)}";
}
