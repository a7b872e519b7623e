using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.SiLU: x·sigmoid(x) (swish), elementwise.</summary>
public sealed class SiLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Silu();
}
