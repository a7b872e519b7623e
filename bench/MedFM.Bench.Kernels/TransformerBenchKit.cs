using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedFM.Tensors.Parallel;

namespace MedFM.Bench.Kernels;

/// <summary>
/// What the transformer-kernel benchmarks (eltwise, softmax, layernorm, attention) share: timing that reports both
/// the median and the best call (this VM is shared, so the best call is the cleaner view of a kernel's own speed),
/// a thread-team scope, and the PyTorch peer (bench/tensors/transformer_peer.py, through bench/peers/torch-tuned.sh
/// unless an interpreter is given).
/// </summary>
public static class TransformerBenchKit
{
    public readonly record struct Timing(double Median, double Min);

    public sealed record Peer(Dictionary<string, Timing> Times, Dictionary<string, long> RssGrowth, string Name);

    /// <summary>Warm-up (at least `warmup` calls and 0.3 s, so tiered JIT reaches its optimised code), then timed calls.</summary>
    public static Timing Time(Action action, int repeats, double minSeconds = 0.3, int warmup = 3)
    {
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < warmup || warm.Elapsed.TotalSeconds < 0.3 && i < 200; i++) action();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < repeats || (total.Elapsed.TotalSeconds < minSeconds && times.Count < 10 * repeats))
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        return new Timing(BenchTiming.Median(times), times.Min());
    }

    /// <summary>Bytes allocated on the managed heap by one call (all threads).</summary>
    public static long Allocated(Action action)
    {
        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        action();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    /// <summary>Makes ThreadTeam.Default a team of the given size until disposed.</summary>
    public sealed class Threads : IDisposable
    {
        private readonly ThreadTeam saved = ThreadTeam.Default;
        private readonly ThreadTeam team;

        public Threads(int count)
        {
            team = new ThreadTeam(count);
            ThreadTeam.Default = team;
        }

        public void Dispose()
        {
            ThreadTeam.Default = saved;
            team.Dispose();
        }
    }

    public static Peer RunPeer(IEnumerable<object> cases, int threads, int repeats, string? python)
    {
        string root = TorchPeer.Root();
        string script = Path.Combine(root, "bench", "tensors", "transformer_peer.py");
        string launcher = python ?? Path.Combine(root, "bench", "peers", "torch-tuned.sh");
        var psi = new ProcessStartInfo(launcher) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(threads.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(repeats.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(JsonSerializer.Serialize(cases));
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        using var p = Process.Start(psi) ?? throw new BenchUsageException($"cannot start {launcher}");
        var stderrTask = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new BenchUsageException($"{launcher} {script} failed ({p.ExitCode}): {stderrTask.Result.Trim()}");
        using var doc = JsonDocument.Parse(stdout);
        var root0 = doc.RootElement;
        var times = root0.GetProperty("times").EnumerateObject()
            .ToDictionary(e => e.Name, e => new Timing(e.Value[0].GetDouble(), e.Value[1].GetDouble()));
        var rss = root0.GetProperty("rss_growth").EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetInt64());
        string name = $"PyTorch {root0.GetProperty("torch").GetString()} " +
            $"({(python is null ? "tuned: OpenMP OpenBLAS + jemalloc, via bench/peers/torch-tuned.sh" : "as installed: " + python)}), " +
            $"{root0.GetProperty("threads").GetInt32()} thread(s)";
        return new Peer(times, rss, name);
    }

    public static void PrintHeader(int threads, string? peerName, int repeats)
    {
        Console.WriteLine($"MedFM {MedFM.Tensors.EngineInfo.Version}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, " +
            $"{Environment.ProcessorCount} cores, MedFM threads {threads}");
        Console.WriteLine($"peer: {peerName ?? "none (--no-peer)"}");
        Console.WriteLine($"times: median and best of ≥ {repeats} timed calls after warm-up; ratios = peer / MedFM (> 1: MedFM faster)");
    }

    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var rng = new System.Random(seed);
        var x = GC.AllocateUninitializedArray<float>(count);
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return x;
    }

    public static string F(double v, string format = "F2") => v.ToString(format, CultureInfo.InvariantCulture);

    public static string Ms(Timing t) => $"{F(t.Median * 1e3)} ({F(t.Min * 1e3)})";

    public static string Ratio(Timing peer, Timing ours) => $"{F(peer.Median / ours.Median)} ({F(peer.Min / ours.Min)})";

    public static string Mb(double bytes) => F(bytes / (1024.0 * 1024.0), "F1");
}
