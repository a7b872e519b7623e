using MedFM.NN;
using MedFM.Tensors;

namespace MedFM.Models.Vit;

/// <summary>Per-channel learned scale of a residual branch (timm/layers/layer_scale.py; key gamma).</summary>
public sealed class LayerScale : Module<Tensor, Tensor>
{
    public LayerScale(int dim, double initValues)
    {
        Gamma = RegisterParameter("gamma", Tensor.Full((float)initValues, dim));
    }

    public Tensor Gamma { get; }

    public override Tensor Forward(Tensor x) => x.Mul(Gamma);
}
