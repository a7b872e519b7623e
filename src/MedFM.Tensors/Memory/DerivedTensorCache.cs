using MedFM.Tensors.Autograd;

namespace MedFM.Tensors.Memory;

/// <summary>
/// Remembers one tensor computed from another, for an input that stays fixed over many calls (SAM's image embedding,
/// made token-major once for every prompt on that image): the value is computed again only when the source is a
/// different storage or view, or its storage was written through the tensor API since. The cached value lives on
/// the GC heap (outside any <see cref="TensorScope"/>) and must be treated as read-only. Sources that require a
/// gradient while one is recorded are never cached (the value would not be on the tape).
/// </summary>
public sealed class DerivedTensorCache
{
    private readonly object gate = new();
    private Storage? storage;
    private int version, offset;
    private int[] shape = [], strides = [];
    private Tensor? value;

    /// <summary>compute(source), from the cache when source is the same unchanged view as last time.</summary>
    public Tensor Get(Tensor source, Func<Tensor, Tensor> compute)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(compute);
        if (GradMode.IsEnabled && source.RequiresGrad) return compute(source);
        var s = source.Storage;
        lock (gate)
        {
            if (value is not null && ReferenceEquals(storage, s) && !s.IsReleased && version == s.Version && offset == source.Offset
                && source.Shape.SequenceEqual(shape) && source.Strides.SequenceEqual(strides))
                return value;
        }
        int v = s.Version;
        Tensor result;
        using (GradMode.Disable()) result = TensorScope.KeepBeyondAll(compute(source.Detach()));
        lock (gate)
        {
            (storage, version, offset, shape, strides, value) = (s, v, source.Offset, source.ShapeArray(), source.Strides.ToArray(), result);
        }
        return result;
    }

    /// <summary>Forgets the cached value.</summary>
    public void Clear()
    {
        lock (gate) (storage, value) = (null, null);
    }
}
