using MedFM.Tensors;

namespace MedFM.Training.Optim;

/// <summary>What Adam and AdamW share: defaults, checks and the driver of the fused kernel.</summary>
internal static class AdamCore
{
    public static ParamGroup Defaults(double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad, bool maximize) =>
        new(Array.Empty<Tensor>(), "defaults")
        {
            Lr = lr, Beta1 = beta1, Beta2 = beta2, Eps = eps, WeightDecay = weightDecay, Amsgrad = amsgrad, Maximize = maximize,
        };

    public static void Validate(ParamGroup g)
    {
        if (!(g.Eps >= 0)) throw new ArgumentException($"Invalid epsilon value: {g.Eps}");
        if (!(g.Beta1 >= 0 && g.Beta1 < 1)) throw new ArgumentException($"Invalid beta parameter at index 0: {g.Beta1}");
        if (!(g.Beta2 >= 0 && g.Beta2 < 1)) throw new ArgumentException($"Invalid beta parameter at index 1: {g.Beta2}");
    }

    public static void Update(ParamGroup group, Tensor parameter, Tensor grad, ParamState state, bool decoupled)
    {
        int n = parameter.Numel;
        state.Step++;
        var m = state.Buffer("exp_avg", n);
        var v = state.Buffer("exp_avg_sq", n);
        var vmax = group.Amsgrad ? state.Buffer("max_exp_avg_sq", n) : Array.Empty<float>();
        var s = UpdateKernels.AdamScalars.Create(group, state.Step, decoupled);
        Optimizer.ForChunks(n, (lo, hi) => UpdateKernels.Adam(parameter.Span.Slice(lo, hi - lo), grad.Span.Slice(lo, hi - lo),
            m.AsSpan(lo, hi - lo), v.AsSpan(lo, hi - lo), vmax.Length == 0 ? Span<float>.Empty : vmax.AsSpan(lo, hi - lo), s, decoupled));
    }
}
