using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MedFM.Bench.Kernels;

/// <summary>
/// Runs bench/tensors/spatial_peer.py (PyTorch on the same shapes and thread count) and returns its median times by
/// case name. By default through bench/peers/torch-tuned.sh (OpenMP OpenBLAS + jemalloc, PyTorch as a fair user
/// would run it); a given interpreter runs it as installed.
/// </summary>
public static class TorchPeer
{
    public static (Dictionary<string, double> Times, string Name) Run(IEnumerable<object> cases, int threads, int repeats, string? python)
    {
        string root = Root();
        string script = Path.Combine(root, "bench", "tensors", "spatial_peer.py");
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
        var times = doc.RootElement.GetProperty("times").EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetDouble());
        string name = $"PyTorch {doc.RootElement.GetProperty("torch").GetString()} " +
            $"({(python is null ? "tuned: OpenMP OpenBLAS + jemalloc" : python)}), {doc.RootElement.GetProperty("threads").GetInt32()} thread(s)";
        return (times, name);
    }

    /// <summary>The repository root (the folder holding MedFM.sln) above the binaries or the working directory.</summary>
    public static string Root()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "MedFM.sln"))) return d.FullName;
        throw new BenchUsageException("repository root (MedFM.sln) not found; run from inside the repository");
    }
}
