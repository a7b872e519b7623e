using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Vit;

/// <summary>fc1 → GELU → fc2 (timm/layers/mlp.py, Mlp; keys fc1, fc2).</summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    public Mlp(int inFeatures, int hiddenFeatures, string geluApproximate = "none")
    {
        Fc1 = Register("fc1", new Linear(inFeatures, hiddenFeatures));
        Fc2 = Register("fc2", new Linear(hiddenFeatures, inFeatures));
        Approximate = geluApproximate;
    }

    public Linear Fc1 { get; }

    public Linear Fc2 { get; }

    public string Approximate { get; }

    public override Tensor Forward(Tensor x) => Fc2.Forward(Fc1.ForwardGelu(x, Approximate));
}
