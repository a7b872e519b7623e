using MedFM.Tensors;

namespace MedFM.Training.Losses;

/// <summary>torch.nn.MSELoss: (input − target)², reduced.</summary>
public sealed class MSELoss
{
    public MSELoss(Reduction reduction = Reduction.Mean) => Reduction = reduction;

    public Reduction Reduction { get; }

    public Tensor Forward(Tensor input, Tensor target)
    {
        LossOps.SameShape(input, target, "mse_loss");
        return LossOps.Reduce(input.Sub(target).Square(), Reduction);
    }
}
