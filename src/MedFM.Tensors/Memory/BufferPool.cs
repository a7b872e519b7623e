namespace MedFM.Tensors.Memory;

/// <summary>
/// Float arrays kept for reuse, bucketed by exact length: a repeated inference forward asks for the same sizes
/// in the same order, so after the first call every request is served from the pool and nothing large is allocated.
/// Not thread-safe: a pool belongs to the scopes of one thread at a time.
/// </summary>
public sealed class BufferPool
{
    /// <summary>Below this many elements arrays come from the GC heap: pooling tiny arrays costs more than it saves.</summary>
    public const int MinPooledLength = 1024;

    private readonly Dictionary<int, Stack<float[]>> free = new();
    private long retainedBytes;

    /// <param name="maxRetainedBytes">Arrays returned beyond this total are dropped for the GC to collect.</param>
    public BufferPool(long maxRetainedBytes = 8L << 30) => MaxRetainedBytes = maxRetainedBytes;

    public long MaxRetainedBytes { get; }

    /// <summary>Bytes currently held for reuse.</summary>
    public long RetainedBytes => retainedBytes;

    /// <summary>Arrays created because no free one of the right length existed (a steady state adds none).</summary>
    public long Misses { get; private set; }

    public long Hits { get; private set; }

    public float[] Rent(int length)
    {
        if (free.TryGetValue(length, out var stack) && stack.Count > 0)
        {
            Hits++;
            retainedBytes -= 4L * length;
            return stack.Pop();
        }
        Misses++;
        return GC.AllocateUninitializedArray<float>(length);
    }

    public void Return(float[] array)
    {
        if (retainedBytes + 4L * array.Length > MaxRetainedBytes) return;
        if (!free.TryGetValue(array.Length, out var stack))
            free[array.Length] = stack = new Stack<float[]>();
        stack.Push(array);
        retainedBytes += 4L * array.Length;
    }

    /// <summary>Drops every retained array.</summary>
    public void Clear()
    {
        free.Clear();
        retainedBytes = 0;
    }
}
