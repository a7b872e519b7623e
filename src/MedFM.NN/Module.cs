using MedFM.Tensors;

namespace MedFM.NN;

/// <summary>
/// A node of the model tree with explicitly registered children, parameters and buffers. State-dict keys are the
/// dotted registration names, in PyTorch's order (a module's own parameters, then its buffers, then each child),
/// so a C# model and its PyTorch reference produce identical keys. No reflection: what is not registered does not exist.
/// </summary>
public abstract partial class Module
{
    private readonly List<(string Name, Module Module)> children = new();
    private readonly List<(string Name, Tensor Value)> parameters = new();
    private readonly List<(string Name, Tensor Value, bool Persistent)> buffers = new();

    /// <summary>Training mode (dropout, drop-path active); set through Train()/Eval() on the root.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Registers a child module under a key segment and returns it (for field initialisers).</summary>
    protected T Register<T>(string name, T module) where T : Module
    {
        CheckName(name);
        children.Add((name, module));
        return module;
    }

    /// <summary>Registers a trainable tensor (requires grad) and returns it.</summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        CheckName(name);
        value.RequiresGrad = true;
        parameters.Add((name, value));
        return value;
    }

    /// <summary>Registers a non-trainable tensor; persistent buffers appear in the state dict (e.g. BatchNorm's running stats).</summary>
    protected Tensor RegisterBuffer(string name, Tensor value, bool persistent = true)
    {
        CheckName(name);
        buffers.Add((name, value, persistent));
        return value;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"invalid registration name '{name}' in {GetType().Name}: non-empty, no dots");
        foreach (var c in children) if (c.Name == name) throw Duplicate(name);
        foreach (var p in parameters) if (p.Name == name) throw Duplicate(name);
        foreach (var b in buffers) if (b.Name == name) throw Duplicate(name);
    }

    private ArgumentException Duplicate(string name) => new($"'{name}' registered twice in {GetType().Name}");

    public IEnumerable<(string Name, Module Module)> NamedChildren() => children;

    /// <summary>This module and every descendant with its dotted path ("" for the root).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in children)
            foreach (var m in child.NamedModules(Join(prefix, name)))
                yield return m;
    }

    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in parameters) yield return (Join(prefix, name), p);
        foreach (var (name, child) in children)
            foreach (var p in child.NamedParameters(Join(prefix, name)))
                yield return p;
    }

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "", bool persistentOnly = false)
    {
        foreach (var (name, b, persistent) in buffers)
            if (persistent || !persistentOnly) yield return (Join(prefix, name), b);
        foreach (var (name, child) in children)
            foreach (var b in child.NamedBuffers(Join(prefix, name), persistentOnly))
                yield return b;
    }

    /// <summary>Parameters and persistent buffers by key, in PyTorch's state_dict order.</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> StateDict()
    {
        var list = new List<KeyValuePair<string, Tensor>>();
        CollectState("", list);
        return list;
    }

    private void CollectState(string prefix, List<KeyValuePair<string, Tensor>> list)
    {
        foreach (var (name, p) in parameters) list.Add(new(Join(prefix, name), p));
        foreach (var (name, b, persistent) in buffers) if (persistent) list.Add(new(Join(prefix, name), b));
        foreach (var (name, child) in children) child.CollectState(Join(prefix, name), list);
    }

    /// <summary>
    /// Copies values into the registered tensors. Strict (the default) fails on any missing, unexpected or mis-shaped
    /// key, listing all of them; non-strict loads what matches and reports the rest.
    /// </summary>
    public LoadReport LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true) =>
        LoadStateDict(state.ToDictionary(kv => kv.Key, kv => kv.Value.ShapeArray(), StringComparer.Ordinal), key => state[key], strict);

    /// <summary>
    /// The same check and copy from shapes known up front and values fetched one key at a time, after the whole state
    /// has been checked: a loader can convert each entry just before it is copied, so the converted copy of a large
    /// checkpoint is never held at once.
    /// </summary>
    public LoadReport LoadStateDict(IReadOnlyDictionary<string, int[]> shapes, Func<string, Tensor> fetch, bool strict = true) =>
        LoadStateDictInto(shapes, (key, target) =>
        {
            var src = fetch(key);
            target.CopyFrom(src.DType == target.DType ? src : src.To(target.DType));
        }, strict);

    /// <summary>
    /// The same check, then <paramref name="copyInto"/>(key, target) fills each registered tensor that matched: a
    /// loader can convert a checkpoint entry straight into the model's tensor with no intermediate copy.
    /// </summary>
    public LoadReport LoadStateDictInto(IReadOnlyDictionary<string, int[]> shapes, Action<string, Tensor> copyInto, bool strict = true)
    {
        var missing = new List<string>();
        var mismatched = new List<string>();
        var loaded = new List<(string Key, Tensor Target)>();
        var ownKeys = new HashSet<string>();
        foreach (var (key, target) in StateDict())
        {
            ownKeys.Add(key);
            if (!shapes.TryGetValue(key, out var shape)) { missing.Add(key); continue; }
            if (!shape.AsSpan().SequenceEqual(target.Shape))
            {
                mismatched.Add($"{key}: checkpoint {ShapeUtil.Format(shape)}, model {ShapeUtil.Format(target.Shape)}");
                continue;
            }
            loaded.Add((key, target));
        }
        var unexpected = shapes.Keys.Where(k => !ownKeys.Contains(k)).ToList();
        var report = new LoadReport(missing, unexpected, mismatched, loaded.Count);
        if (strict && !report.IsComplete) throw new StateDictException(GetType().Name, report);
        using var _ = Tensors.Autograd.GradMode.Disable();
        foreach (var (key, target) in loaded) copyInto(key, target);
        return report;
    }

    public Module Train(bool mode = true)
    {
        foreach (var (_, m) in NamedModules()) m.Training = mode;
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>
    /// Packs the weight of every linear layer below this module into the matrix kernel's layout once, so inference
    /// products stop repacking them on each call (about a sixth of a ViT-B forward at batch 1). Results are
    /// bit-identical; training (recorded products) ignores the packs, and weights written later through the tensor API
    /// (an optimizer step, a loaded state dict) are packed again on next use. The packs cost memory equal to those
    /// weights, unless <paramref name="releaseWeights"/>: then, as an inference runtime does, each weight's own array is
    /// freed once packed, and rebuilt exactly from its pack the first time anything else touches the weight (training,
    /// a state dict, a read, a write), so nothing changes for callers but the memory. Returns the bytes the packs hold.
    /// </summary>
    public long PrepackForInference(bool releaseWeights = false)
    {
        long total = 0, sinceCollect = 0;
        foreach (var (_, m) in NamedModules())
        {
            long bytes = m.PrepackSelf(true, releaseWeights);
            total += bytes;
            sinceCollect += bytes;
            // Weights freed as they are packed: collect now and then, so later packs reuse their space instead of
            // the process growing by the size of the model before the collector would have run on its own.
            if (releaseWeights && sinceCollect >= ReleaseCollectBytes)
            {
                GC.Collect();
                sinceCollect = 0;
            }
        }
        return total;
    }

    private const long ReleaseCollectBytes = 16L << 20;

    /// <summary>Drops the packs <see cref="PrepackForInference"/> made, first rebuilding any weight released to them.</summary>
    public void ReleasePrepacked()
    {
        foreach (var (_, m) in NamedModules()) m.PrepackSelf(false, false);
    }

    /// <summary>
    /// Packs (or with <paramref name="pack"/> false drops the packs of) this module's own weights for inference,
    /// releasing the weights' arrays to their packs when asked; returns the bytes the packs hold. Most modules hold none.
    /// </summary>
    protected virtual long PrepackSelf(bool pack, bool releaseWeights) => 0;

    /// <summary>
    /// The pack a module keeps for <paramref name="weight"/> after PrepackSelf(<paramref name="pack"/>, ...): the current
    /// one (or a new one) when packing, null when dropping or when the weight has no data to pack (meta or empty). A
    /// weight released to the pack it drops is rebuilt first; with <paramref name="releaseWeight"/> it is released.
    /// </summary>
    protected static LinearWeightPack? WeightPack(LinearWeightPack? current, Tensor weight, bool pack, bool releaseWeight)
    {
        if (!pack || weight.IsMeta || weight.Numel == 0)
        {
            if (current is not null && current.WeightReleased) current.RestoreWeight();
            return null;
        }
        var kept = current ?? LinearWeightPack.Create(weight);
        if (releaseWeight) kept.ReleaseWeight();
        return kept;
    }

    /// <summary>Sets requires_grad on every parameter below this module (freezing = false).</summary>
    public Module RequiresGrad(bool value = true)
    {
        foreach (var p in Parameters()) p.RequiresGrad = value;
        return this;
    }

    public Module Freeze() => RequiresGrad(false);

    public long ParameterCount(bool trainableOnly = false) =>
        Parameters().Where(p => !trainableOnly || p.RequiresGrad).Sum(p => (long)p.Numel);

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}

/// <summary>A module with one input and one output: what Sequential chains.</summary>
public abstract class Module<TIn, TOut> : Module
{
    public abstract TOut Forward(TIn input);
}
