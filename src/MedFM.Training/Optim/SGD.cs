using MedFM.Tensors;

namespace MedFM.Training.Optim;

/// <summary>
/// torch.optim.SGD (single-tensor path, torch 1.13): d = g + wd·p; with momentum, buf = d on the first step and
/// buf = momentum·buf + (1 − dampening)·d after; d = d + momentum·buf (nesterov) or buf; p −= lr·d.
/// State per parameter: "momentum_buffer".
/// </summary>
public sealed class SGD : Optimizer
{
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false)
        : this(new[] { new ParamGroup(parameters) }, lr, momentum, dampening, weightDecay, nesterov, maximize)
    {
    }

    public SGD(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false)
        : base(groups, new ParamGroup(Array.Empty<Tensor>(), "defaults")
        {
            Lr = lr, Momentum = momentum, Dampening = dampening, WeightDecay = weightDecay, Nesterov = nesterov, Maximize = maximize,
        })
    {
    }

    protected override bool TracksStep => false;

    protected override void Validate(ParamGroup g)
    {
        base.Validate(g);
        if (!(g.Momentum >= 0)) throw new ArgumentException($"Invalid momentum value: {g.Momentum}");
        if (g.Nesterov && (g.Momentum <= 0 || g.Dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
    }

    protected override void Update(ParamGroup group, Tensor parameter, Tensor grad, ParamState state)
    {
        int n = parameter.Numel;
        float lr = (float)group.Lr, wd = (float)group.WeightDecay, momentum = (float)group.Momentum, damp = (float)group.Dampening;
        bool first = momentum != 0 && !state.Has("momentum_buffer");
        var buf = momentum != 0 ? state.Buffer("momentum_buffer", n) : Array.Empty<float>();
        bool nesterov = group.Nesterov, maximize = group.Maximize;
        ForChunks(n, (lo, hi) => UpdateKernels.Sgd(parameter.Span.Slice(lo, hi - lo), grad.Span.Slice(lo, hi - lo),
            buf.Length == 0 ? Span<float>.Empty : buf.AsSpan(lo, hi - lo), first, lr, wd, momentum, damp, nesterov, maximize));
        state.Step++;
    }
}
