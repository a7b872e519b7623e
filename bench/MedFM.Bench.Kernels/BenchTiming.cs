using System.Diagnostics;

namespace MedFM.Bench.Kernels;

/// <summary>
/// Shared timing for kernel benchmarks: warm-up calls, then timed repeats until both a minimum count and a minimum
/// total time are reached; the median is reported. Rates: GFLOP/s for compute-bound kernels, GB/s for memory-bound.
/// </summary>
public static class BenchTiming
{
    /// <summary>Median seconds per call of <paramref name="action"/>.</summary>
    public static double Median(Action action, int warmup = 2, int minRepeats = 7, double minSeconds = 0.5, int maxRepeats = 1000)
    {
        for (int i = 0; i < warmup; i++) action();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < maxRepeats && (times.Count < minRepeats || total.Elapsed.TotalSeconds < minSeconds))
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        return Median(times);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        var sorted = values.OrderBy(v => v).ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }

    public static double GFlops(double flops, double seconds) => flops / seconds * 1e-9;

    public static double GBps(double bytes, double seconds) => bytes / seconds * 1e-9;

    /// <summary>Lets other engines' spinning threads (OpenBLAS, the team) go idle before a new series.</summary>
    public static void Settle(int milliseconds = 300)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        Thread.Sleep(milliseconds);
    }
}
