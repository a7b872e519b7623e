namespace MedFM.Imaging.Transforms;

/// <summary>
/// Splits independent row ranges over the machine's cores when the work is large enough to pay for it. Each chunk
/// runs <c>body(lo, hi)</c> once, so a body rents its scratch buffers once per chunk, not per row. Results never
/// depend on the split: every row is computed by the same code in the same order.
/// </summary>
internal static class RowParallel
{
    /// <summary>Below this many multiply-adds a single thread is faster than waking others.</summary>
    private const long MinParallelWork = 1L << 18;

    public static void For(int count, long workPerItem, Action<int, int> body)
    {
        if (count <= 0) return;
        int threads = Math.Min(Environment.ProcessorCount, count);
        if (threads <= 1 || workPerItem * count < MinParallelWork)
        {
            body(0, count);
            return;
        }
        System.Threading.Tasks.Parallel.For(0, threads, t =>
        {
            int lo = (int)((long)count * t / threads), hi = (int)((long)count * (t + 1) / threads);
            if (hi > lo) body(lo, hi);
        });
    }
}
