using MedFM.Tensors;

namespace MedFM.Training.Losses;

/// <summary>
/// MONAI's DiceLoss for segmentation: input [B, C, spatial...] (logits with Sigmoid/Softmax, or probabilities),
/// target [B, C, ...] one-hot or [B, 1, ...] labels with ToOnehotY. Per (batch, class) — or per class over the
/// batch with Batch — f = 1 − (2·Σ p·t + smooth_nr) / (Σ p^k + Σ t^k + smooth_dr), k = 2 when SquaredPred;
/// Jaccard uses the denominator 2·(Σ p^k + Σ t^k − Σ p·t). Optional class weights; IncludeBackground = false drops
/// channel 0. Reference: Project-MONAI/MONAI, monai/losses/dice.py (DiceLoss).
/// </summary>
public sealed class DiceLoss
{
    public bool IncludeBackground { get; init; } = true;

    public bool ToOnehotY { get; init; }

    public bool Sigmoid { get; init; }

    public bool Softmax { get; init; }

    public bool SquaredPred { get; init; }

    public bool Jaccard { get; init; }

    public Reduction Reduction { get; init; } = Reduction.Mean;

    public double SmoothNr { get; init; } = 1e-5;

    public double SmoothDr { get; init; } = 1e-5;

    /// <summary>Sum the intersection and areas over the batch before dividing.</summary>
    public bool Batch { get; init; }

    /// <summary>Per-class weights (after dropping the background when excluded).</summary>
    public Tensor? ClassWeight { get; init; }

    public Tensor Forward(Tensor input, Tensor target)
    {
        const string op = "dice_loss";
        if (Sigmoid && Softmax) throw new ArgumentException("DiceLoss: sigmoid and softmax are mutually exclusive");
        if (input.Rank < 3) throw new TensorShapeException(op, $"expects input [B, C, spatial...], got {ShapeUtil.Format(input.Shape)}");
        int c = input.Size(1);
        var p = Sigmoid ? input.Sigmoid() : input;
        if (Softmax && c > 1) p = LossOps.Softmax(p, 1);
        var t = target.Detach().To(DType.Float32);
        if (ToOnehotY && c > 1) t = OneHot(t, c);
        if (!IncludeBackground && c > 1)
        {
            t = t.Narrow(1, 1, c - 1);
            p = p.Narrow(1, 1, c - 1);
        }
        if (!t.Shape.SequenceEqual(p.Shape))
            throw new TensorShapeException(op, $"ground truth has different shape ({ShapeUtil.Format(t.Shape)}) from input ({ShapeUtil.Format(p.Shape)})");
        var axes = Enumerable.Range(Batch ? 0 : 2, p.Rank - (Batch ? 0 : 2)).Where(a => a != 1).ToArray();
        var tp = p.Mul(t).Sum(axes);                                               // [B, C] or [C]
        var predO = (SquaredPred ? p.Square() : p).Sum(axes);
        var groundO = (SquaredPred ? t.Square() : t).Sum(axes);
        var denomRaw = predO.Add(groundO);
        if (Jaccard) denomRaw = denomRaw.Sub(tp).Mul(2f);
        var f = Tensor.Scalar(1f).Sub(tp.Mul(2f).Add((float)SmoothNr).Div(denomRaw.Add((float)SmoothDr)));
        if (ClassWeight is not null && p.Size(1) != 1)
        {
            if (ClassWeight.Numel != p.Size(1))
                throw new TensorShapeException(op, $"{ClassWeight.Numel} class weights for {p.Size(1)} classes");
            f = f.Mul(ClassWeight.Detach().Reshape(ClassWeight.Numel));
        }
        if (Reduction == Reduction.None && !Batch)
        {
            var shape = Enumerable.Repeat(1, p.Rank).ToArray();
            shape[0] = p.Size(0);
            shape[1] = p.Size(1);
            return f.Reshape(shape);                                               // [B, C, 1, ...]
        }
        return LossOps.Reduce(f, Reduction);
    }

    /// <summary>[B, 1, ...] labels → [B, C, ...] one-hot floats (MONAI's one_hot).</summary>
    internal static Tensor OneHot(Tensor labels, int c)
    {
        if (labels.Rank < 2 || labels.Size(1) != 1)
            throw new TensorShapeException("one_hot", $"labels must be [B, 1, ...], got {ShapeUtil.Format(labels.Shape)}");
        var classes = Tensor.Arange(c).Reshape(LossOps.ClassShape(c, labels.Rank));
        return labels.Eq(classes).To(DType.Float32);
    }
}
