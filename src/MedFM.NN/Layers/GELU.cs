using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.GELU with approximate "none" (erf) or "tanh".</summary>
public sealed class GELU : Module<Tensor, Tensor>
{
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh")) throw new ArgumentException($"GELU: approximate must be 'none' or 'tanh', got '{approximate}'");
        Approximate = approximate;
    }

    public string Approximate { get; }

    public override Tensor Forward(Tensor input) => input.Gelu(Approximate);

    protected override string ExtraRepr() => $"approximate='{Approximate}'";
}
