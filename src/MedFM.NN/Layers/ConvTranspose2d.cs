using MedFM.Tensors;
using MedFM.Tensors.Random;

namespace MedFM.NN.Layers;

/// <summary>
/// torch.nn.ConvTranspose2d: keys "weight" [in, out/groups, kH, kW] and "bias" [out]. Default init as torch:
/// U(±1/√fan_in) with fan_in taken from weight dimension 1 (out/groups · kH · kW), as torch computes it.
/// </summary>
public sealed class ConvTranspose2d : Module<Tensor, Tensor>
{
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
        int groups = 1, bool bias = true, int dilation = 1, Generator? init = null)
        : this(inChannels, outChannels, new[] { kernelSize }, new[] { stride }, new[] { padding }, new[] { outputPadding },
            groups, bias, new[] { dilation }, init)
    {
    }

    public ConvTranspose2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] outputPadding,
        int groups, bool bias, int[] dilation, Generator? init = null)
    {
        ConvSpec.Check(inChannels, outChannels, groups, nameof(ConvTranspose2d));
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = Functional.Pair(kernelSize, 1, 2);
        Stride = Functional.Pair(stride, 1, 2);
        Padding = Functional.Pair(padding, 0, 2);
        OutputPadding = Functional.Pair(outputPadding, 0, 2);
        Dilation = Functional.Pair(dilation, 1, 2);
        Groups = groups;
        var wShape = new[] { inChannels, outChannels / groups, KernelSize[0], KernelSize[1] };
        float bound = ConvSpec.Bound(wShape);
        Weight = RegisterParameter("weight", Tensor.Rand(init, wShape, -bound, bound));
        if (bias) Bias = RegisterParameter("bias", Tensor.Rand(init, new[] { outChannels }, -bound, bound));
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int[] KernelSize { get; }

    public int[] Stride { get; }

    public int[] Padding { get; }

    public int[] OutputPadding { get; }

    public int[] Dilation { get; }

    public int Groups { get; }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) =>
        Tensor.ConvTranspose2d(input, Weight, Bias, Functional.ToInt2(Stride), Functional.ToInt2(Padding), Functional.ToInt2(OutputPadding),
            Functional.ToInt2(Dilation), Groups);

    protected override string ExtraRepr() =>
        ConvSpec.Repr(InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, OutputPadding, Groups, Bias is not null);
}
