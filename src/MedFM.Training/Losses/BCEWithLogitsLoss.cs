using MedFM.Tensors;

namespace MedFM.Training.Losses;

/// <summary>
/// torch.nn.BCEWithLogitsLoss in its numerically stable form: (1 − y)·x + lw·(log(1 + e^−|x|) + max(−x, 0)) with
/// lw = 1 + (pos_weight − 1)·y; weight rescales each element. Targets may be soft (in [0, 1]).
/// </summary>
public sealed class BCEWithLogitsLoss
{
    public BCEWithLogitsLoss(Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean)
    {
        Weight = weight?.Detach();
        PosWeight = posWeight?.Detach();
        Reduction = reduction;
    }

    public Tensor? Weight { get; }

    public Tensor? PosWeight { get; }

    public Reduction Reduction { get; }

    public Tensor Forward(Tensor input, Tensor target) => LossOps.Reduce(Elementwise(input, target, Weight, PosWeight), Reduction);

    /// <summary>The unreduced loss (shared with the focal loss).</summary>
    internal static Tensor Elementwise(Tensor x, Tensor target, Tensor? weight, Tensor? posWeight)
    {
        LossOps.SameShape(x, target, "binary_cross_entropy_with_logits");
        var y = target.Detach().To(DType.Float32);
        var softplus = x.Abs().Neg().Exp().Add(1f).Log().Add(x.Neg().Relu());      // log(1 + e^−x), stable
        var lw = posWeight is null ? softplus : softplus.Mul(posWeight.Sub(1f).Mul(y).Add(1f));
        var loss = Tensor.Scalar(1f).Sub(y).Mul(x).Add(lw);
        return weight is null ? loss : loss.Mul(weight);
    }
}
