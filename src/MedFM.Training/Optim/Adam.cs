using MedFM.Tensors;

namespace MedFM.Training.Optim;

/// <summary>
/// torch.optim.Adam (single-tensor path, torch 1.13): weight decay is L2 (g ← g + wd·p) before the moments; otherwise
/// as <see cref="AdamW"/>. State per parameter: step, "exp_avg", "exp_avg_sq" (+ "max_exp_avg_sq").
/// </summary>
public sealed class Adam : Optimizer
{
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(new[] { new ParamGroup(parameters) }, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    {
    }

    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(groups, AdamCore.Defaults(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize))
    {
    }

    protected override void Validate(ParamGroup g)
    {
        base.Validate(g);
        AdamCore.Validate(g);
    }

    protected override void Update(ParamGroup group, Tensor parameter, Tensor grad, ParamState state) =>
        AdamCore.Update(group, parameter, grad, state, decoupled: false);
}
