using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.AdaptiveAvgPool2d: averages [N, C, H, W] into a fixed output grid.</summary>
public sealed class AdaptiveAvgPool2d : Module<Tensor, Tensor>
{
    private readonly bool givenAsInt;

    public AdaptiveAvgPool2d(int outputSize) : this(new[] { outputSize, outputSize }) => givenAsInt = true;

    public AdaptiveAvgPool2d(int[] outputSize)
    {
        OutputSize = Functional.Pair(outputSize, 1, 2);
        if (OutputSize.Any(v => v < 1)) throw new ArgumentException($"AdaptiveAvgPool2d: output size must be positive, got {ShapeUtil.Format(OutputSize)}");
    }

    public int[] OutputSize { get; }

    public override Tensor Forward(Tensor input) => Tensor.AdaptiveAvgPool2d(input, Functional.ToInt2(OutputSize));

    protected override string ExtraRepr() => $"output_size={PyRepr.IntOrTuple(OutputSize, givenAsInt)}";
}
