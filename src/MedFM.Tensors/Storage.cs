using MedFM.Tensors.Memory;

namespace MedFM.Tensors;

/// <summary>
/// The flat buffer under one or more tensors (views share it). Float32 and Bool tensors use float storage,
/// Int64 tensors long storage. Storage rented from a <see cref="BufferPool"/> inside a <see cref="TensorScope"/>
/// goes back to the pool when the scope ends; any later access throws <see cref="TensorReleasedException"/>.
/// </summary>
public sealed class Storage
{
    private float[]? floats;
    private long[]? longs;
    private BufferPool? pool;

    private Storage(float[]? f, long[]? l, int length, BufferPool? pool)
    {
        floats = f;
        longs = l;
        Length = length;
        this.pool = pool;
    }

    /// <summary>Elements in use (a pooled array may be longer).</summary>
    public int Length { get; }

    public bool IsReleased { get; private set; }

    /// <summary>A shape-only storage made under <see cref="Tensor.MetaScope"/>: it has a length but no data.</summary>
    public bool IsMeta { get; private init; }

    [ThreadStatic] internal static int MetaDepth;

    /// <summary>Open <see cref="Tensor.SkipInitScope"/>s on this thread.</summary>
    [ThreadStatic] internal static int SkipInitDepth;

    internal bool IsPooled => pool is not null;

    private int version;

    /// <summary>
    /// Bumped whenever the elements may be written through the public API (a writable span handed out, an element
    /// set, a copy into it), so a copy derived from them (a packed weight) can tell it is stale. Writes to an array
    /// that a tensor wraps, or through a span taken earlier, are not seen.
    /// </summary>
    internal int Version => Volatile.Read(ref version);

    internal void MarkWritten() => Interlocked.Increment(ref version);

    internal float[] Floats => floats ?? Rebuild();

    /// <summary>Rebuilds the elements after <see cref="ReleaseElements"/>; null otherwise.</summary>
    private Func<float[]>? rebuild;

    /// <summary>True while the elements are released to a copy that can rebuild them (see <see cref="ReleaseElements"/>).</summary>
    internal bool ElementsReleased => floats is null && Volatile.Read(ref rebuild) is not null;

    /// <summary>
    /// Frees this storage's float array while another copy of the same elements (a packed weight) can give them back:
    /// the next access of any kind calls <paramref name="rebuildElements"/> once, so readers and writers never see the
    /// difference. Only a storage on the GC heap (neither pooled nor meta) can do this.
    /// </summary>
    internal void ReleaseElements(Func<float[]> rebuildElements)
    {
        lock (this)
        {
            if (floats is null || pool is not null || IsMeta || IsWrapped)
                throw new InvalidOperationException("only a float storage the engine allocated on the GC heap can release its elements");
            rebuild = rebuildElements;
            floats = null;
        }
    }

    private float[] Rebuild()
    {
        if (Volatile.Read(ref rebuild) is null) throw Missing();
        lock (this)
        {
            if (floats is null)
            {
                var elements = rebuild!();
                if (elements.Length < Length) throw new InvalidOperationException($"rebuilt {elements.Length} elements for a storage of {Length}");
                floats = elements;
                Volatile.Write(ref rebuild, null);
            }
            return floats;
        }
    }

    internal long[] Longs => longs ?? throw Missing();

    internal bool IsFloat => floats is not null || rebuild is not null || (IsReleased && longs is null);

    public static Storage WrapFloats(float[] data) => new(data, null, data.Length, null) { IsWrapped = true };

    /// <summary>The float array was handed in by the caller (Tensor.Wrap), who may still hold it.</summary>
    internal bool IsWrapped { get; private init; }

    public static Storage WrapLongs(long[] data) => new(null, data, data.Length, null);

    /// <summary>New float storage: from the current scope's pool when one is active, else the GC heap.</summary>
    internal static Storage AllocateFloats(int length, bool zero)
    {
        if (MetaDepth > 0) return new Storage(null, null, length, null) { IsMeta = true };
        var scope = TensorScope.Current;
        if (scope is not null && length >= BufferPool.MinPooledLength)
        {
            var arr = scope.Pool.Rent(length);
            if (zero) Array.Clear(arr, 0, length);
            var s = new Storage(arr, null, length, scope.Pool);
            scope.Track(s);
            return s;
        }
        var a = zero ? new float[length] : GC.AllocateUninitializedArray<float>(length);
        return new Storage(a, null, length, null);
    }

    internal static Storage AllocateLongs(int length) =>
        MetaDepth > 0 ? new Storage(null, null, length, null) { IsMeta = true } : new(null, new long[length], length, null);

    /// <summary>Gives the array back to its pool; the storage is unusable afterwards.</summary>
    internal void Release()
    {
        if (pool is null || floats is null) return;
        var arr = floats;
        floats = null;
        IsReleased = true;
        pool.Return(arr);
        pool = null;
    }

    /// <summary>Detaches from the pool: the array now belongs to the GC and is never returned.</summary>
    internal void Unpool() => pool = null;

    private TensorException Missing() => IsMeta
        ? new TensorException("storage access", "a meta tensor (created under Tensor.MetaScope) has a shape but no data")
        : new TensorReleasedException("storage access");
}
