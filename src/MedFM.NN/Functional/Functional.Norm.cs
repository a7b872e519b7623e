using MedFM.Tensors;
using MedFM.Tensors.Autograd;

namespace MedFM.NN;

public static partial class Functional
{
    /// <summary>
    /// torch.nn.functional.batch_norm over dimension 1 of x [N, C, ...]. Training: normalises with the batch's biased
    /// variance and, when running stats are given, updates them in place (running_var with the unbiased variance):
    /// r ← (1 − momentum)·r + momentum·batch. Evaluation: normalises with the running stats.
    /// </summary>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum, double eps)
    {
        const string op = "batch_norm";
        if (x.Rank < 2) throw new TensorShapeException(op, $"expects [N, C, ...], got shape {ShapeUtil.Format(x.Shape)}");
        int c = x.Size(1);
        foreach (var (t, name) in new[] { (runningMean, "running_mean"), (runningVar, "running_var"), (weight, "weight"), (bias, "bias") })
            if (t is not null && (t.Rank != 1 || t.Size(0) != c))
                throw new TensorShapeException(op, $"{name} of shape {ShapeUtil.Format(t.Shape)} does not match {c} channels of input {ShapeUtil.Format(x.Shape)}");
        var cshape = new int[x.Rank];
        Array.Fill(cshape, 1);
        cshape[1] = c;
        if (!training)
        {
            if (runningMean is null || runningVar is null)
                throw new TensorException(op, "evaluation mode needs running_mean and running_var (or use batch statistics with training = true)");
            // y = x·scale + shift with scale = w / √(var + eps), shift = b − mean·scale.
            var scale = runningVar.Detach().Add((float)eps).Rsqrt();
            if (weight is not null) scale = scale.Mul(weight);
            var shift = runningMean.Detach().Mul(scale).Neg();
            if (bias is not null) shift = shift.Add(bias);
            return x.Mul(scale.Reshape(cshape)).Add(shift.Reshape(cshape));
        }
        var dims = new int[x.Rank - 1];
        dims[0] = 0;
        for (int i = 2; i < x.Rank; i++) dims[i - 1] = i;
        int count = x.Numel / Math.Max(c, 1);
        if (count <= 1) throw new TensorShapeException(op, $"expected more than 1 value per channel when training, got input {ShapeUtil.Format(x.Shape)}");
        var mean = x.Mean(dims, keepDim: true);                                    // [1, C, 1, ...]
        var centered = x.Sub(mean);
        var variance = centered.Square().Mean(dims, keepDim: true);                // biased
        if (runningMean is not null && runningVar is not null)
        {
            using var _ = GradMode.Disable();
            float m = (float)momentum;
            runningMean.CopyFrom(runningMean.Mul(1f - m).Add(mean.Detach().Reshape(c).Mul(m)));
            var unbiased = variance.Detach().Reshape(c).Mul((float)((double)count / (count - 1)));
            runningVar.CopyFrom(runningVar.Mul(1f - m).Add(unbiased.Mul(m)));
        }
        var y = centered.Mul(variance.Add((float)eps).Rsqrt());
        if (weight is not null) y = y.Mul(weight.Reshape(cshape));
        if (bias is not null) y = y.Add(bias.Reshape(cshape));
        return y;
    }
}
