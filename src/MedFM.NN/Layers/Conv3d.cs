using MedFM.Tensors;
using MedFM.Tensors.Random;

namespace MedFM.NN.Layers;

/// <summary>
/// torch.nn.Conv3d: keys "weight" [out, in/groups, kD, kH, kW] and "bias" [out]; default init as torch
/// (U(±1/√fan_in), fan_in = in/groups · kD · kH · kW). Only zero padding.
/// </summary>
public sealed class Conv3d : Module<Tensor, Tensor>
{
    public Conv3d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, Generator? init = null)
        : this(inChannels, outChannels, new[] { kernelSize }, new[] { stride }, new[] { padding }, new[] { dilation }, groups, bias, init)
    {
    }

    public Conv3d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
        int groups = 1, bool bias = true, Generator? init = null)
    {
        ConvSpec.Check(inChannels, outChannels, groups, nameof(Conv3d));
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = Functional.Pair(kernelSize, 1, 3);
        Stride = Functional.Pair(stride, 1, 3);
        Padding = Functional.Pair(padding, 0, 3);
        Dilation = Functional.Pair(dilation, 1, 3);
        Groups = groups;
        var wShape = new[] { outChannels, inChannels / groups, KernelSize[0], KernelSize[1], KernelSize[2] };
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
        Tensor.Conv3d(input, Weight, Bias, Functional.ToInt3(Stride), Functional.ToInt3(Padding), Functional.ToInt3(Dilation), Groups);

    protected override string ExtraRepr() =>
        ConvSpec.Repr(InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, null, Groups, Bias is not null);
}
