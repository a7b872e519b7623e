using MedFM.Tensors.Autograd;

namespace MedFM.Tensors.Memory;

/// <summary>
/// An inference region: records no autograd tape and takes tensor storage from a <see cref="BufferPool"/>.
/// When the scope ends, every storage it handed out goes back to the pool, except those of tensors passed to
/// <see cref="Keep"/> (which move to the enclosing scope, or to the GC heap at the outermost one).
/// Nest scopes per block so temporaries are reused block after block:
/// <code>using (var s = TensorScope.Begin()) { x = s.Keep(block.Forward(x)); }</code>
/// Scopes are per thread and must be disposed in reverse order of creation.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? current;

    private readonly HashSet<Storage> owned = new(ReferenceEqualityComparer.Instance);
    private readonly TensorScope? parent;
    private readonly GradMode.Guard? gradGuard;
    private bool disposed;

    private TensorScope(BufferPool pool, bool recording = false)
    {
        Pool = pool;
        parent = current;
        current = this;
        gradGuard = recording ? null : GradMode.Disable();
    }

    /// <summary>The innermost active scope of this thread, if any.</summary>
    public static TensorScope? Current => current;

    public BufferPool Pool { get; }

    /// <summary>
    /// Whether this scope records the autograd tape (<see cref="BeginRecording"/>). Models release each block's
    /// temporaries in a child scope only under an inference scope: under a recording one the backward needs them.
    /// </summary>
    public bool IsRecording => gradGuard is null;

    /// <summary>An inference scope is active on this thread: per-block child scopes may release temporaries.</summary>
    public static bool InferenceActive => current is { IsRecording: false };

    /// <summary>Opens a scope on the given pool, or on the enclosing scope's pool, or on a new pool.</summary>
    public static TensorScope Begin(BufferPool? pool = null) => new(pool ?? current?.Pool ?? new BufferPool());

    /// <summary>
    /// Opens a scope that leaves gradient recording as it is: for a training step whose forward and backward
    /// temporaries should come from the pool. Everything allocated inside goes back to the pool at the end, the
    /// autograd tape included, so parameter gradients must be passed to <see cref="Keep"/> before it ends (see
    /// MedFM.Training's PooledStep) and nothing else made inside may be used afterwards.
    /// </summary>
    public static TensorScope BeginRecording(BufferPool? pool = null) => new(pool ?? current?.Pool ?? new BufferPool(), recording: true);

    /// <summary>Runs a function in a child scope and returns its result, kept into the enclosing scope.</summary>
    public static Tensor Run(Func<Tensor> body)
    {
        using var scope = Begin();
        return scope.Keep(body());
    }

    /// <summary>Makes t (and every view sharing its storage) outlive this scope.</summary>
    public Tensor Keep(Tensor t)
    {
        var s = t.Storage;
        if (s.IsPooled && owned.Remove(s))
        {
            if (parent is not null) parent.owned.Add(s);
            else s.Unpool();
        }
        return t;
    }

    internal void Track(Storage s) => owned.Add(s);

    /// <summary>Gives s back to the pool now if this scope owns it (the backward pass, once nothing can read it again).</summary>
    internal bool ReleaseEarly(Storage s)
    {
        if (!owned.Remove(s)) return false;
        s.Release();
        return true;
    }

    /// <summary>Takes t's storage away from whichever scope of this thread owns it, to the GC heap: it outlives them all.</summary>
    internal static Tensor KeepBeyondAll(Tensor t)
    {
        var s = t.Storage;
        if (!s.IsPooled) return t;
        for (var scope = current; scope is not null; scope = scope.parent)
            if (scope.owned.Remove(s))
            {
                s.Unpool();
                break;
            }
        return t;
    }

    public void Dispose()
    {
        if (disposed) return;
        if (current != this)
            throw new InvalidOperationException("TensorScope disposed out of order: dispose inner scopes first");
        disposed = true;
        foreach (var s in owned) s.Release();
        owned.Clear();
        current = parent;
        gradGuard?.Dispose();
    }
}
