using System.Diagnostics;
using System.Text.Json;

namespace MedFM.Bench.Sam;

/// <summary>Starts the peers (PyTorch tuned through bench/peers/torch-tuned.sh, ONNX Runtime through ort-run.mjs) and reads their JSON line.</summary>
internal static class Peers
{
    public static string Root()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "MedFM.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root (MedFM.sln) not found; run from inside the repository");
    }

    public static JsonElement Run(string program, IEnumerable<string> args, int threads, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
        var err = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({p.ExitCode}): {err.Result.Trim()}");
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        return JsonDocument.Parse(last).RootElement.Clone();
    }

    /// <summary>
    /// The benchmark's rounds (--rounds N, default 3: MedFM and a peer take turns that many times) and its positional
    /// arguments (every argument that is neither an option nor the value of --rounds).
    /// </summary>
    public static (int Rounds, string[] Positional) RoundsAndPositional(string[] args)
    {
        int at = Array.IndexOf(args, "--rounds");
        int rounds = at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var r) && r > 0 ? r : 3;
        return (rounds, args.Where((a, i) => !a.StartsWith("--") && !(at >= 0 && i == at + 1)).ToArray());
    }

    public static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }

    public static double Median(JsonElement array) => Median(array.EnumerateArray().Select(e => e.GetDouble()));
}
