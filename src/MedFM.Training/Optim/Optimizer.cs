using MedFM.Tensors;
using MedFM.Tensors.Parallel;

namespace MedFM.Training.Optim;

/// <summary>
/// Base of the optimizers (torch.optim.Optimizer): parameter groups with defaults, per-parameter state, ZeroGrad,
/// Step over parameters that have a gradient, and a state dict of tensors by name for checkpointing:
/// "state.{i}.step" (int64), "state.{i}.{buffer}" (shaped as parameter i), "param_groups.{g}.{hyper}" (0-D int64
/// holding the IEEE-754 bits of the double, so a resumed run is bit-identical) and "param_groups.{g}.params"
/// (int64 global indices). Parameters are numbered across groups in order, as in torch.
/// </summary>
public abstract class Optimizer
{
    private const int ParallelThreshold = 1 << 16;
    private readonly List<ParamGroup> groups = new();
    private readonly Dictionary<Tensor, ParamState> state = new(ReferenceEqualityComparer.Instance);

    protected Optimizer(IEnumerable<ParamGroup> paramGroups, ParamGroup defaults)
    {
        ArgumentNullException.ThrowIfNull(paramGroups);
        Defaults = defaults;
        foreach (var g in paramGroups) AddParamGroup(g);
        if (groups.Count == 0) throw new ArgumentException($"{GetType().Name} got an empty parameter list");
    }

    /// <summary>The defaults every group's unset hyper-parameters take.</summary>
    public ParamGroup Defaults { get; }

    public IReadOnlyList<ParamGroup> ParamGroups => groups;

    /// <summary>Attaches a group: fills defaults, validates, refuses parameters already attached.</summary>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.FillFrom(Defaults);
        Validate(group);
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var g in groups) foreach (var p in g.Params) seen.Add(p);
        for (int i = 0; i < group.Params.Count; i++)
        {
            var p = group.Params[i];
            string what = group.ParamNames is { } n ? $"'{n[i]}'" : $"{i}";
            if (p.DType != DType.Float32 || !p.IsContiguous)
                throw new ArgumentException($"{GetType().Name}: parameter {what} of group '{group.Name}' must be a contiguous float32 tensor, got {p}");
            if (!seen.Add(p))
                throw new ArgumentException($"{GetType().Name}: parameter {what} of group '{group.Name}' appears in more than one parameter group");
        }
        group.InitialLr = group.Lr;
        groups.Add(group);
    }

    /// <summary>Checks a group's hyper-parameters (torch's constructor checks).</summary>
    protected virtual void Validate(ParamGroup g)
    {
        if (!(g.Lr >= 0)) throw new ArgumentException($"Invalid learning rate: {g.Lr}");
        if (!(g.WeightDecay >= 0)) throw new ArgumentException($"Invalid weight_decay value: {g.WeightDecay}");
    }

    /// <summary>
    /// Clears every parameter's gradient: set to none (the default, as torch ≥ 2.0), or with setToNone false zeroed
    /// in place (torch 1.x's default), so the next backward adds into the same buffers instead of allocating new ones.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var g in groups)
            foreach (var p in g.Params)
            {
                if (setToNone || p.Grad is not { IsContiguous: true } grad) p.Grad = null;
                else grad.Span.Clear();
            }
    }

    /// <summary>One update of every parameter that has a gradient; parameters without one are skipped (no state change).</summary>
    public void Step()
    {
        foreach (var g in groups)
        {
            foreach (var p in g.Params)
            {
                if (p.Grad is not { } grad) continue;
                if (!grad.Shape.SequenceEqual(p.Shape))
                    throw new TensorShapeException("optimizer step", $"gradient {ShapeUtil.Format(grad.Shape)} does not match parameter {ShapeUtil.Format(p.Shape)}");
                if (!state.TryGetValue(p, out var st)) state[p] = st = new ParamState();
                Update(g, p, grad.Contiguous(), st);
            }
        }
    }

    /// <summary>Updates one parameter from its (contiguous) gradient and state.</summary>
    protected abstract void Update(ParamGroup group, Tensor parameter, Tensor grad, ParamState state);

    /// <summary>Whether the optimizer counts steps per parameter (Adam family); SGD does not.</summary>
    protected virtual bool TracksStep => true;

    /// <summary>Runs body over [0, n) in contiguous chunks, on the thread team for large parameters.</summary>
    internal static void ForChunks(int n, Action<int, int> body)
    {
        if (n < ParallelThreshold) body(0, n);
        else ThreadTeam.Default.For(n, body, ParallelThreshold / 2);
    }

    /// <summary>The state of a parameter (null before its first step).</summary>
    public ParamState? StateOf(Tensor parameter) => state.GetValueOrDefault(parameter);

    /// <summary>Everything needed to resume: per-parameter state and the groups' hyper-parameters, as tensors by name.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var d = new Dictionary<string, Tensor>();
        int index = 0;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var g = groups[gi];
            foreach (var (key, v) in g.SetValues())
                d[$"param_groups.{gi}.{key}"] = Tensor.FromLongs(new[] { BitConverter.DoubleToInt64Bits(v) }, Array.Empty<int>());
            var ids = new long[g.Params.Count];
            for (int j = 0; j < ids.Length; j++, index++)
            {
                ids[j] = index;
                var p = g.Params[j];
                if (!state.TryGetValue(p, out var st)) continue;
                if (TracksStep) d[$"state.{index}.step"] = Tensor.FromLongs(new[] { st.Step }, Array.Empty<int>());
                foreach (var (name, buf) in st.Buffers) d[$"state.{index}.{name}"] = Tensor.FromArray(buf, p.ShapeArray());
            }
            d[$"param_groups.{gi}.params"] = Tensor.FromLongs(ids);
        }
        return d;
    }

    /// <summary>Restores a StateDict() of an optimizer over the same parameter structure; mismatches throw naming the key.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> dict)
    {
        ArgumentNullException.ThrowIfNull(dict);
        var used = new HashSet<string>();
        var restored = new Dictionary<Tensor, ParamState>(ReferenceEqualityComparer.Instance);
        int index = 0;
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var g = groups[gi];
            var ids = Take(dict, used, $"param_groups.{gi}.params").ToLongArray();
            if (ids.Length != g.Params.Count)
                throw new OptimizerStateException($"group {gi} has {g.Params.Count} parameters, the state dict {ids.Length}");
            for (int j = 0; j < ids.Length; j++, index++)
            {
                if (ids[j] != index) throw new OptimizerStateException($"group {gi} lists parameter {ids[j]} where {index} was expected");
                var st = RestoreParam(dict, used, index, g.Params[j]);
                if (st is not null) restored[g.Params[j]] = st;
            }
        }
        var values = new List<(ParamGroup Group, string Key, double Value)>();
        foreach (var key in dict.Keys)
        {
            if (used.Contains(key)) continue;
            var parts = key.Split('.');
            if (parts.Length == 3 && parts[0] == "param_groups" && int.TryParse(parts[1], out int gi) && gi >= 0 && gi < groups.Count)
            {
                var t = dict[key];
                if (t.Numel != 1) throw new OptimizerStateException($"'{key}' must hold one value, got shape {ShapeUtil.Format(t.Shape)}");
                // int64 entries carry a double's bits (as written by StateDict); float entries are taken as values.
                double v = t.DType == DType.Int64 ? BitConverter.Int64BitsToDouble(t.ToLongArray()[0]) : t.Item();
                values.Add((groups[gi], parts[2], v));
                continue;
            }
            throw new OptimizerStateException($"unexpected key '{key}'");
        }
        foreach (var (group, key, value) in values) group.SetValue(key, value);
        state.Clear();
        foreach (var (p, st) in restored) state[p] = st;
    }

    private ParamState? RestoreParam(IReadOnlyDictionary<string, Tensor> dict, HashSet<string> used, int index, Tensor p)
    {
        string prefix = $"state.{index}.";
        ParamState? st = null;
        foreach (var (key, t) in dict)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            used.Add(key);
            st ??= new ParamState();
            var name = key[prefix.Length..];
            if (name == "step")
            {
                st.Step = t.ToLongArray()[0];
                continue;
            }
            if (!t.Shape.SequenceEqual(p.Shape))
                throw new OptimizerStateException($"'{key}' has shape {ShapeUtil.Format(t.Shape)}, parameter {index} has {ShapeUtil.Format(p.Shape)}");
            t.Contiguous().Span.CopyTo(st.Buffer(name, p.Numel));
        }
        return st;
    }

    private static Tensor Take(IReadOnlyDictionary<string, Tensor> dict, HashSet<string> used, string key)
    {
        if (!dict.TryGetValue(key, out var t)) throw new OptimizerStateException($"missing key '{key}'");
        used.Add(key);
        return t;
    }
}
