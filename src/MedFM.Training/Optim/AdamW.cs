using MedFM.Tensors;

namespace MedFM.Training.Optim;

/// <summary>
/// torch.optim.AdamW (single-tensor path, torch 1.13): p ← p·(1 − lr·wd) (decoupled decay), then the Adam moments
/// m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², optional amsgrad max, and p ← p − lr/(1 − β1ᵗ) · m / (√v̂/√(1 − β2ᵗ) + eps).
/// State per parameter: step, "exp_avg", "exp_avg_sq" (+ "max_exp_avg_sq").
/// </summary>
public sealed class AdamW : Optimizer
{
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this(new[] { new ParamGroup(parameters) }, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    {
    }

    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(groups, AdamCore.Defaults(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize))
    {
    }

    protected override void Validate(ParamGroup g)
    {
        base.Validate(g);
        AdamCore.Validate(g);
    }

    protected override void Update(ParamGroup group, Tensor parameter, Tensor grad, ParamState state) =>
        AdamCore.Update(group, parameter, grad, state, decoupled: true);
}
