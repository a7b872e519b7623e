using MedFM.Tensors;

namespace MedFM.Training.Losses;

/// <summary>
/// The RetinaNet focal loss on logits, as torchvision.ops.sigmoid_focal_loss: BCE-with-logits·(1 − p_t)^γ with
/// p_t = p·y + (1 − p)(1 − y), weighted by α_t = α·y + (1 − α)(1 − y) when α ≥ 0. Default reduction as torchvision: none.
/// </summary>
public sealed class SigmoidFocalLoss
{
    public SigmoidFocalLoss(double alpha = 0.25, double gamma = 2.0, Reduction reduction = Reduction.None)
    {
        if (!(gamma >= 0)) throw new ArgumentException($"gamma must be non-negative, got {gamma}");
        Alpha = alpha;
        Gamma = gamma;
        Reduction = reduction;
    }

    public double Alpha { get; }

    public double Gamma { get; }

    public Reduction Reduction { get; }

    public Tensor Forward(Tensor input, Tensor target)
    {
        var y = target.Detach().To(DType.Float32);
        var p = input.Sigmoid();
        var ce = BCEWithLogitsLoss.Elementwise(input, y, null, null);
        var oneMinusY = Tensor.Scalar(1f).Sub(y);
        var pt = p.Mul(y).Add(Tensor.Scalar(1f).Sub(p).Mul(oneMinusY));
        var loss = ce.Mul(Tensor.Scalar(1f).Sub(pt).Pow((float)Gamma));
        if (Alpha >= 0) loss = loss.Mul(y.Mul((float)Alpha).Add(oneMinusY.Mul((float)(1 - Alpha))));
        return LossOps.Reduce(loss, Reduction);
    }
}
