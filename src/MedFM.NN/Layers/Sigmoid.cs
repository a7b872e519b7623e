using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.Sigmoid: 1/(1 + e^−x), elementwise.</summary>
public sealed class Sigmoid : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}
