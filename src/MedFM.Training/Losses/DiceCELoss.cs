using MedFM.Tensors;

namespace MedFM.Training.Losses;

/// <summary>
/// MONAI's DiceCELoss: λ_dice·Dice + λ_ce·CE. The cross-entropy takes the raw logits; a [B, 1, ...] label target is
/// squeezed to class indices (soft one-hot targets are used as probabilities); a single-channel input uses
/// BCE-with-logits with the class weight as pos_weight. Reference: Project-MONAI/MONAI, monai/losses/dice.py.
/// </summary>
public sealed class DiceCELoss
{
    private readonly DiceLoss dice;
    private readonly CrossEntropyLoss ce;
    private readonly BCEWithLogitsLoss bce;

    public DiceCELoss(DiceLoss dice, Tensor? weight = null, double lambdaDice = 1.0, double lambdaCe = 1.0, double labelSmoothing = 0.0)
    {
        ArgumentNullException.ThrowIfNull(dice);
        if (lambdaDice < 0 || lambdaCe < 0) throw new ArgumentException("lambda_dice and lambda_ce should be no less than 0.0");
        if (dice.Reduction == Reduction.None) throw new ArgumentException("DiceCELoss reduces to a scalar: use Mean or Sum");
        var diceWeight = weight is not null && !dice.IncludeBackground ? weight.Narrow(0, 1, weight.Size(0) - 1) : weight;
        this.dice = new DiceLoss
        {
            IncludeBackground = dice.IncludeBackground, ToOnehotY = dice.ToOnehotY, Sigmoid = dice.Sigmoid, Softmax = dice.Softmax,
            SquaredPred = dice.SquaredPred, Jaccard = dice.Jaccard, Reduction = dice.Reduction, SmoothNr = dice.SmoothNr,
            SmoothDr = dice.SmoothDr, Batch = dice.Batch, ClassWeight = diceWeight,
        };
        ce = new CrossEntropyLoss(weight, reduction: dice.Reduction, labelSmoothing: labelSmoothing);
        bce = new BCEWithLogitsLoss(posWeight: weight, reduction: dice.Reduction);
        LambdaDice = lambdaDice;
        LambdaCe = lambdaCe;
    }

    public double LambdaDice { get; }

    public double LambdaCe { get; }

    public Tensor Forward(Tensor input, Tensor target)
    {
        const string op = "dice_ce_loss";
        if (input.Rank != target.Rank)
            throw new TensorShapeException(op, $"input {ShapeUtil.Format(input.Shape)} and target {ShapeUtil.Format(target.Shape)} need the same number of dimensions (labels as [B, 1, ...])");
        if (target.Size(1) != 1 && target.Size(1) != input.Size(1))
            throw new TensorShapeException(op, $"target channels {target.Size(1)} are neither 1 nor the input's {input.Size(1)}");
        var d = dice.Forward(input, target);
        Tensor c;
        if (input.Size(1) == 1) c = bce.Forward(input, target.To(DType.Float32));
        else if (target.Size(1) == 1) c = ce.Forward(input, target.Squeeze(1).To(DType.Int64));
        else c = ce.Forward(input, target.To(DType.Float32));
        return d.Mul((float)LambdaDice).Add(c.Mul((float)LambdaCe));
    }
}
