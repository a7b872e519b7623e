using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.Tanh: tanh(x), elementwise.</summary>
public sealed class Tanh : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Tanh();
}
