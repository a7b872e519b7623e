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

    internal bool IsPooled => pool is not null;

    private int version;

    /// <summary>
    /// Bumped whenever the elements may be written through the public API (a writable span handed out, an element
    /// set, a copy into it), so a copy derived from them (a packed weight) can tell it is stale. Writes to an array
    /// that a tensor wraps, or through a span taken earlier, are not seen.
    /// </summary>
    internal int Version => Volatile.Read(ref version);

    internal void MarkWritten() => Interlocked.Increment(ref version);

    internal float[] Floats => floats ?? throw Missing();

    internal long[] Longs => longs ?? throw Missing();

    internal bool IsFloat => floats is not null || (IsReleased && longs is null);

    public static Storage WrapFloats(float[] data) => new(data, null, data.Length, null);

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
