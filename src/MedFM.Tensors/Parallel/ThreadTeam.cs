namespace MedFM.Tensors.Parallel;

/// <summary>
/// The engine's worker threads. Kernels split work with <see cref="For"/> (a static partition of [0, count) into one
/// contiguous range per thread) or <see cref="Run"/> (every thread runs the body once with its index).
/// The thread count comes from MEDFM_THREADS, else the processor count.
/// </summary>
public sealed class ThreadTeam
{
    private static ThreadTeam? defaultTeam;

    public ThreadTeam(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "a thread team needs at least one thread");
        Threads = threads;
    }

    /// <summary>The team every kernel uses unless told otherwise.</summary>
    public static ThreadTeam Default
    {
        get => defaultTeam ??= new ThreadTeam(ThreadsFromEnvironment());
        set => defaultTeam = value;
    }

    public int Threads { get; }

    /// <summary>Runs body(threadIndex, threadCount) once on each of min(Threads, maxThreads) threads and waits for all.</summary>
    public void Run(Action<int, int> body, int maxThreads = int.MaxValue)
    {
        int n = Math.Min(Threads, Math.Max(1, maxThreads));
        if (n == 1) { body(0, 1); return; }
        System.Threading.Tasks.Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = n }, t => body(t, n));
    }

    /// <summary>Calls body(start, end) on disjoint contiguous ranges covering [0, count); ranges below minChunk items are not split further.</summary>
    public void For(int count, Action<int, int> body, int minChunk = 1)
    {
        if (count <= 0) return;
        int chunks = Math.Clamp(count / Math.Max(1, minChunk), 1, Threads);
        if (chunks == 1) { body(0, count); return; }
        Run((t, n) =>
        {
            long start = (long)count * t / n, end = (long)count * (t + 1) / n;
            if (end > start) body((int)start, (int)end);
        }, chunks);
    }

    public static int ThreadsFromEnvironment()
    {
        var s = Environment.GetEnvironmentVariable("MEDFM_THREADS");
        if (!string.IsNullOrEmpty(s))
        {
            if (!int.TryParse(s, out int t) || t < 1)
                throw new ArgumentException($"MEDFM_THREADS must be a positive integer, found '{s}'");
            return t;
        }
        return Environment.ProcessorCount;
    }
}
