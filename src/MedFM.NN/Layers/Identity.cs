using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.Identity: returns its input (a placeholder that keeps a Sequential's indices).</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input;
}
