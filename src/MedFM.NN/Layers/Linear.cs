using MedFM.Tensors;
using MedFM.Tensors.Random;

namespace MedFM.NN.Layers;

/// <summary>y = x Wᵀ + b (torch.nn.Linear; keys "weight" [out, in] and "bias" [out]).</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? init = null)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        // PyTorch's default: kaiming_uniform(a=√5) = U(−1/√in, 1/√in) for the weight, the same bound for the bias.
        float bound = inFeatures > 0 ? 1f / MathF.Sqrt(inFeatures) : 0f;
        Weight = RegisterParameter("weight", Tensor.Rand(init, new[] { outFeatures, inFeatures }, -bound, bound));
        if (bias) Bias = RegisterParameter("bias", Tensor.Rand(init, new[] { outFeatures }, -bound, bound));
    }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    /// <summary>The weight packed for inference (<see cref="Module.PrepackForInference"/>), or null.</summary>
    public LinearWeightPack? Pack { get; private set; }

    public override Tensor Forward(Tensor input) => Tensor.Linear(input, Weight, Bias, Pack);

    /// <summary>gelu(Forward(input)), fused into the product when no gradient is recorded (see <see cref="Tensor.LinearGelu(Tensor, Tensor, Tensor?, string)"/>).</summary>
    public Tensor ForwardGelu(Tensor input, string approximate = "none") => Tensor.LinearGelu(input, Weight, Bias, approximate, Pack);

    protected override long PrepackSelf(bool pack, bool releaseWeights)
    {
        Pack = WeightPack(Pack, Weight, pack, releaseWeights);
        return Pack?.Bytes ?? 0;
    }

    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={PyRepr.Bool(Bias is not null)}";
}
