using MedFM.Tensors;
using MedFM.Tensors.Random;

namespace MedFM.NN.Layers;

/// <summary>
/// torch.nn.Conv2d: keys "weight" [out, in/groups, kH, kW] and "bias" [out]. Default init as torch's
/// reset_parameters: kaiming_uniform(a = √5) = U(±1/√fan_in) for the weight and the same bound for the bias,
/// fan_in = in/groups · kH · kW. Only zero padding (padding_mode "zeros").
/// </summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, Generator? init = null)
        : this(inChannels, outChannels, new[] { kernelSize, kernelSize }, new[] { stride, stride }, new[] { padding, padding },
            new[] { dilation, dilation }, groups, bias, init)
    {
    }

    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
        int groups = 1, bool bias = true, Generator? init = null)
    {
        ConvSpec.Check(inChannels, outChannels, groups, nameof(Conv2d));
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = Functional.Pair(kernelSize, 1, 2);
        Stride = Functional.Pair(stride, 1, 2);
        Padding = Functional.Pair(padding, 0, 2);
        Dilation = Functional.Pair(dilation, 1, 2);
        Groups = groups;
        var wShape = new[] { outChannels, inChannels / groups, KernelSize[0], KernelSize[1] };
        float bound = ConvSpec.Bound(wShape);
        Weight = RegisterParameter("weight", Tensor.Rand(init, wShape, -bound, bound));
        if (bias) Bias = RegisterParameter("bias", Tensor.Rand(init, new[] { outChannels }, -bound, bound));
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int[] KernelSize { get; }

    public int[] Stride { get; }

    public int[] Padding { get; }

    public int[] Dilation { get; }

    public int Groups { get; }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) =>
        Tensor.Conv2d(input, Weight, Bias, Functional.ToInt2(Stride), Functional.ToInt2(Padding), Functional.ToInt2(Dilation), Groups);

    protected override string ExtraRepr() =>
        ConvSpec.Repr(InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, null, Groups, Bias is not null);
}
