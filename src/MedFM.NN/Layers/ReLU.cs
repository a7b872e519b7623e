using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.ReLU: max(0, x), elementwise.</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Relu();
}
