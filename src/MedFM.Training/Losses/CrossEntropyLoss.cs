using MedFM.Tensors;

namespace MedFM.Training.Losses;

/// <summary>
/// torch.nn.CrossEntropyLoss (torch 1.13 semantics): log-softmax over dimension 1 of input [N, C, ...] (or [C]) and
/// negative log-likelihood of int64 class targets [N, ...], or of class probabilities shaped like the input.
/// Class weights scale each target's term and, for the mean, normalise by the summed weights of the counted targets;
/// ignore_index targets count nowhere. Label smoothing ε mixes in ε/C of the (weighted) uniform term:
/// loss = (1 − ε)·nll + ε/C · Σ_c −w_c log p_c, with the same normalisation.
/// </summary>
public sealed class CrossEntropyLoss
{
    public CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ArgumentException($"label_smoothing must be in [0, 1], got {labelSmoothing}");
        if (weight is not null && weight.Rank != 1) throw new ArgumentException($"class weights must be 1-D, got {ShapeUtil.Format(weight.Shape)}");
        Weight = weight?.Detach();
        IgnoreIndex = ignoreIndex;
        Reduction = reduction;
        LabelSmoothing = labelSmoothing;
    }

    public Tensor? Weight { get; }

    public long IgnoreIndex { get; }

    public Reduction Reduction { get; }

    public double LabelSmoothing { get; }

    public Tensor Forward(Tensor input, Tensor target)
    {
        const string op = "cross_entropy";
        if (input.Rank == 1)
        {
            // Unbatched [C]: a 0-D class index or a [C] probability vector.
            var r = Forward(input.Unsqueeze(0), target.Rank == 0 || target.DType != DType.Int64 ? target.Unsqueeze(0) : target);
            return r.Rank > 0 ? r.Squeeze(0) : r;
        }
        if (input.Rank < 2) throw new TensorShapeException(op, $"expects input [N, C, ...], got {ShapeUtil.Format(input.Shape)}");
        int c = input.Size(1);
        if (Weight is not null && Weight.Size(0) != c)
            throw new TensorShapeException(op, $"{Weight.Size(0)} class weights for {c} classes");
        var logp = LossOps.LogSoftmax(input, 1);                                   // [N, C, ...]
        return target.DType == DType.Int64 ? ClassTargets(logp, target, c) : ProbabilityTargets(logp, target, c);
    }

    private Tensor ClassTargets(Tensor logp, Tensor target, int c)
    {
        const string op = "cross_entropy";
        var expected = logp.ShapeArray().Where((_, i) => i != 1).ToArray();
        if (!target.Shape.SequenceEqual(expected))
            throw new TensorShapeException(op, $"class targets {ShapeUtil.Format(target.Shape)} do not match input {ShapeUtil.Format(logp.Shape)} (expected {ShapeUtil.Format(expected)})");
        var t = target.Contiguous().ToLongArray();
        var safe = new long[t.Length];
        var valid = new float[t.Length];
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] == IgnoreIndex) continue;
            if (t[i] < 0 || t[i] >= c) throw new TensorAxisException(op, $"target {t[i]} at position {i} is out of range for {c} classes");
            safe[i] = t[i];
            valid[i] = 1f;
        }
        var validT = Tensor.FromArray(valid, expected);
        var picked = logp.Gather(1, Tensor.FromLongs(safe, expected).Unsqueeze(1)).Squeeze(1); // [N, ...]
        var w = Weight is null ? validT : Weight.IndexSelect(0, Tensor.FromLongs(safe)).Reshape(expected).Mul(validT);
        var nll = picked.Mul(w).Neg();
        Tensor elements = nll;
        Tensor? smooth = null;
        if (LabelSmoothing > 0)
        {
            var lw = Weight is null ? logp : logp.Mul(Weight.Reshape(LossOps.ClassShape(c, logp.Rank)));
            smooth = lw.Sum(1).Neg().Mul(validT);                                  // [N, ...]
            elements = nll.Mul((float)(1 - LabelSmoothing)).Add(smooth.Mul((float)(LabelSmoothing / c)));
        }
        if (Reduction != Reduction.Mean) return LossOps.Reduce(elements, Reduction);
        // Mean: nll over Σ weights of counted targets; the smoothing term over the same (count of counted targets when unweighted).
        var denom = w.Sum();
        var loss = nll.Sum().Div(denom);
        if (smooth is null) return loss;
        return loss.Mul((float)(1 - LabelSmoothing)).Add(smooth.Sum().Div(denom).Mul((float)(LabelSmoothing / c)));
    }

    private Tensor ProbabilityTargets(Tensor logp, Tensor target, int c)
    {
        LossOps.SameShape(logp, target, "cross_entropy");
        var q = target.Detach();
        if (LabelSmoothing > 0) q = q.Mul((float)(1 - LabelSmoothing)).Add((float)(LabelSmoothing / c));
        var terms = logp.Mul(q);
        if (Weight is not null) terms = terms.Mul(Weight.Reshape(LossOps.ClassShape(c, logp.Rank)));
        var elements = terms.Sum(1).Neg();                                         // [N, ...]
        return LossOps.Reduce(elements, Reduction);
    }
}
