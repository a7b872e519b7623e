using System.Globalization;
using MedFM.Fuzz;

// Standalone fuzzer for the imaging readers (not part of the test run; the tests run a short seeded version).
// Usage: MedFM.Fuzz [--target nifti|png|jpeg|all] [--seed N] [--count N] [--out DIR] [--root REPO] [--verbose]
//        MedFM.Fuzz --target png --replay FILE   (re-run one saved failing input)
var args2 = args;
string target = Arg("--target") ?? "all";
int seed = int.Parse(Arg("--seed") ?? "1", CultureInfo.InvariantCulture);
long count = long.Parse(Arg("--count") ?? "100000", CultureInfo.InvariantCulture);
string outDir = Arg("--out") ?? Path.Combine(Path.GetTempPath(), "medfm-fuzz");
string root = Arg("--root") ?? FindRoot();
bool verbose = args.Contains("--verbose");

if (Arg("--replay") is { } replay)
{
    // Re-run one saved input and show the full outcome.
    var outcome = FuzzRunner.RunOne(FuzzTargets.Named(target), File.ReadAllBytes(replay));
    Console.WriteLine(outcome switch { null => "decoded", "" => "rejected with a typed error", _ => outcome });
    return outcome is null or "" ? 0 : 1;
}

var targets = target == "all" ? FuzzTargets.All : [FuzzTargets.Named(target)];
int failures = 0;
foreach (var t in targets)
{
    var seeds = t.SeedFiles.Select(f => File.ReadAllBytes(Path.Combine(root, f))).ToArray();
    var report = FuzzRunner.Run(t, seeds, count, seed);
    Console.WriteLine(report);
    foreach (var f in report.Failures)
    {
        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, $"{t.Name}-seed{seed}-iter{f.Iteration}.bin");
        File.WriteAllBytes(path, f.Input);
        Console.WriteLine($"  iteration {f.Iteration}: {f.Detail.Split('\n')[0]} (input saved to {path})");
        if (verbose) Console.WriteLine(f.Detail);
    }
    failures += report.Failures.Count;
}
return failures == 0 ? 0 : 1;

string? Arg(string name)
{
    int i = Array.IndexOf(args2, name);
    return i >= 0 && i + 1 < args2.Length ? args2[i + 1] : null;
}

static string FindRoot()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "MedFM.sln"))) return d.FullName;
    for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "MedFM.sln"))) return d.FullName;
    throw new DirectoryNotFoundException("repository root (MedFM.sln) not found: pass --root");
}
