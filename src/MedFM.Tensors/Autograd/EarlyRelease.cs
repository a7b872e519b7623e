using MedFM.Tensors.Memory;

namespace MedFM.Tensors.Autograd;

/// <summary>
/// During a backward pass run inside a recording <see cref="TensorScope"/> (a pooled training step), gives storages
/// back to the pool as soon as the rest of the pass cannot read them, as PyTorch frees saved activations and
/// gradients node by node: a graph tensor's storage once every graph tensor sharing it has been processed (its own
/// node and, coming earlier in the reverse order, every consumer), and a gradient's storage once it has been
/// consumed and is held by no pending gradient. Views share one count per storage. Only storages the scope owns
/// are released (the parameters' gradients are copies the engine does not track; the root stays readable).
/// Tensors made in a pooled training step are documented as unusable after it, so nothing outside can still hold them.
/// </summary>
internal sealed class EarlyRelease
{
    private readonly TensorScope scope;
    private readonly Dictionary<Storage, int> holds = new(ReferenceEqualityComparer.Instance);
    private readonly Storage keep;

    private EarlyRelease(TensorScope scope, IReadOnlyList<Tensor> order, Tensor root)
    {
        this.scope = scope;
        keep = root.Storage;
        foreach (var t in order) Hold(t);
    }

    /// <summary>An instance when the current scope records into a pool, else null (nothing is released early).</summary>
    public static EarlyRelease? For(IReadOnlyList<Tensor> order, Tensor root) =>
        TensorScope.Current is { IsRecording: true } scope ? new EarlyRelease(scope, order, root) : null;

    public void Hold(Tensor t)
    {
        var s = t.Storage;
        if (!s.IsPooled) return;
        holds[s] = holds.TryGetValue(s, out int n) ? n + 1 : 1;
    }

    public void Drop(Tensor t)
    {
        var s = t.Storage;
        if (!holds.TryGetValue(s, out int n)) return;
        if (n > 1)
        {
            holds[s] = n - 1;
            return;
        }
        holds.Remove(s);
        if (!ReferenceEquals(s, keep)) scope.ReleaseEarly(s);
    }
}
