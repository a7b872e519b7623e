using MedFM.Tensors;

namespace MedFM.Training.Optim;

/// <summary>
/// A set of parameters sharing hyper-parameters, as an entry of torch's optimizer.param_groups. Hyper-parameters left
/// unset take the optimizer's defaults when the group is attached (torch's setdefault); reading one that was never set
/// nor defaulted throws. Name and LrScale are free-form extras (LrScale multiplies the scheduled lr: layer-wise decay).
/// </summary>
public sealed class ParamGroup
{
    private double? lr, weightDecay, momentum, dampening, beta1, beta2, eps;
    private bool? nesterov, amsgrad, maximize;

    public ParamGroup(IEnumerable<Tensor> parameters, string name = "")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Params = parameters.ToList();
        Name = name;
    }

    /// <summary>A group that also remembers each parameter's dotted name (for logs and checks).</summary>
    public ParamGroup(IEnumerable<(string Name, Tensor Parameter)> named, string name = "")
    {
        ArgumentNullException.ThrowIfNull(named);
        var list = named.ToList();
        Params = list.Select(p => p.Parameter).ToList();
        ParamNames = list.Select(p => p.Name).ToList();
        Name = name;
    }

    public IReadOnlyList<Tensor> Params { get; }

    /// <summary>The parameters' names when the group was built from named parameters, else null.</summary>
    public IReadOnlyList<string>? ParamNames { get; }

    public string Name { get; set; }

    /// <summary>Multiplier applied by schedules: lr = schedule(step) · LrScale (MAE/BEiT layer decay). Default 1.</summary>
    public double LrScale { get; set; } = 1.0;

    /// <summary>The lr this group had when attached to its optimizer (torch's initial_lr).</summary>
    public double InitialLr { get; internal set; }

    public double Lr { get => Get(lr, "lr"); set => lr = value; }

    public double WeightDecay { get => Get(weightDecay, "weight_decay"); set => weightDecay = value; }

    public double Momentum { get => Get(momentum, "momentum"); set => momentum = value; }

    public double Dampening { get => Get(dampening, "dampening"); set => dampening = value; }

    public bool Nesterov { get => Get(nesterov, "nesterov"); set => nesterov = value; }

    public double Beta1 { get => Get(beta1, "betas[0]"); set => beta1 = value; }

    public double Beta2 { get => Get(beta2, "betas[1]"); set => beta2 = value; }

    public double Eps { get => Get(eps, "eps"); set => eps = value; }

    public bool Amsgrad { get => Get(amsgrad, "amsgrad"); set => amsgrad = value; }

    public bool Maximize { get => Get(maximize, "maximize"); set => maximize = value; }

    /// <summary>Betas as a pair, for Adam-style groups.</summary>
    public (double Beta1, double Beta2) Betas
    {
        get => (Beta1, Beta2);
        set { beta1 = value.Beta1; beta2 = value.Beta2; }
    }

    /// <summary>Fills every unset hyper-parameter from the defaults' set values.</summary>
    internal void FillFrom(ParamGroup defaults)
    {
        lr ??= defaults.lr;
        weightDecay ??= defaults.weightDecay;
        momentum ??= defaults.momentum;
        dampening ??= defaults.dampening;
        beta1 ??= defaults.beta1;
        beta2 ??= defaults.beta2;
        eps ??= defaults.eps;
        nesterov ??= defaults.nesterov;
        amsgrad ??= defaults.amsgrad;
        maximize ??= defaults.maximize;
    }

    /// <summary>The hyper-parameters that are set, by torch's names (for the optimizer state dict).</summary>
    internal IEnumerable<(string Key, double Value)> SetValues()
    {
        if (lr is double a) yield return ("lr", a);
        if (weightDecay is double b) yield return ("weight_decay", b);
        if (momentum is double c) yield return ("momentum", c);
        if (dampening is double d) yield return ("dampening", d);
        if (beta1 is double e) yield return ("beta1", e);
        if (beta2 is double f) yield return ("beta2", f);
        if (eps is double g) yield return ("eps", g);
        if (nesterov is bool h) yield return ("nesterov", h ? 1 : 0);
        if (amsgrad is bool i) yield return ("amsgrad", i ? 1 : 0);
        if (maximize is bool j) yield return ("maximize", j ? 1 : 0);
        yield return ("lr_scale", LrScale);
        yield return ("initial_lr", InitialLr);
    }

    /// <summary>Sets a hyper-parameter by its state-dict name (inverse of SetValues).</summary>
    internal void SetValue(string key, double v)
    {
        switch (key)
        {
            case "lr": lr = v; break;
            case "weight_decay": weightDecay = v; break;
            case "momentum": momentum = v; break;
            case "dampening": dampening = v; break;
            case "beta1": beta1 = v; break;
            case "beta2": beta2 = v; break;
            case "eps": eps = v; break;
            case "nesterov": nesterov = v != 0; break;
            case "amsgrad": amsgrad = v != 0; break;
            case "maximize": maximize = v != 0; break;
            case "lr_scale": LrScale = v; break;
            case "initial_lr": InitialLr = v; break;
            default: throw new OptimizerStateException($"unknown parameter-group entry '{key}'");
        }
    }

    private T Get<T>(T? value, string what) where T : struct =>
        value ?? throw new InvalidOperationException($"parameter group '{Name}' has no {what}: set it or attach the group to an optimizer that has a default");
}
