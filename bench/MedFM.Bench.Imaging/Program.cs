using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedFM.Imaging.Nifti;

// NIfTI load benchmark: MedFM's reader against nibabel (the peer), same file, same run, ratio printed.
// Usage: dotnet run -c Release --project bench/MedFM.Bench.Imaging -- [--file PATH] [--repeats N] [--python /usr/bin/python3]
// Also writes the volume back with NiftiWriter and has nibabel check the result (voxels and affine).
// Resize benchmark (skimage / PIL peers): dotnet run -c Release --project bench/MedFM.Bench.Imaging -- resize [--repeats N]
if (args.Length > 0 && args[0] == "resize") return ResizeBench.Run(args[1..], Root(), Arg("--python") ?? "/usr/bin/python3");
var file = Arg("--file") ?? Path.Combine(Root(), ".testdata", "mricron", "ch2.nii.gz");
int repeats = int.Parse(Arg("--repeats") ?? "15", CultureInfo.InvariantCulture);
var python = Arg("--python") ?? "/usr/bin/python3";
var peer = Path.Combine(Root(), "bench", "imaging", "nibabel_peer.py");

Console.WriteLine($"file: {file} ({new FileInfo(file).Length / 1e6:F1} MB), repeats: {repeats}, {Environment.ProcessorCount} cores, " +
    $"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, latency mode {System.Runtime.GCSettings.LatencyMode}");
var header = NiftiReader.Identify(file);
Console.WriteLine($"image: {header.Shape} {header.DataType}");

var raw = Time(() => NiftiReader.ReadVolume(file), repeats);
var f32 = Time(() => NiftiReader.ReadVolume(file, new NiftiReadOptions { AsFloat32 = true }), repeats);
var f32Copy = Time(() => NiftiReader.ReadVolume(file).ToFloat32(), repeats);
var peerJson = JsonDocument.Parse(RunPython(peer, "time", file, repeats.ToString(CultureInfo.InvariantCulture))).RootElement;
double nibFdata = Median(peerJson.GetProperty("fdata_s").EnumerateArray().Select(e => e.GetDouble()));
double nibInt = Median(peerJson.GetProperty("int_s").EnumerateArray().Select(e => e.GetDouble()));

Console.WriteLine();
Console.WriteLine($"{"reader",-44} {"median ms",10}");
Console.WriteLine($"{"MedFM NiftiReader.ReadVolume (stored uint8)",-44} {raw * 1e3,10:F1}");
Console.WriteLine($"{"MedFM ReadVolume(AsFloat32) (float32)",-44} {f32 * 1e3,10:F1}");
Console.WriteLine($"{"MedFM ReadVolume().ToFloat32() (float32)",-44} {f32Copy * 1e3,10:F1}");
Console.WriteLine($"{"nibabel " + peerJson.GetProperty("nibabel").GetString() + " asanyarray(dataobj) (uint8)",-44} {nibInt * 1e3,10:F1}");
Console.WriteLine($"{"nibabel get_fdata() (float64)",-44} {nibFdata * 1e3,10:F1}");
Console.WriteLine();
Console.WriteLine($"ratio, stored type (nibabel / MedFM): {nibInt / raw:F2}x");
Console.WriteLine($"ratio, floating point (nibabel get_fdata / MedFM AsFloat32): {nibFdata / f32:F2}x");

// Round trip: write with MedFM, re-read with nibabel.
var tmp = Path.Combine(Path.GetTempPath(), $"medfm-bench-{Environment.ProcessId}.nii.gz");
try
{
    var volume = NiftiReader.ReadVolume(file);
    var write = Time(() => NiftiWriter.Write(volume, tmp), 3);
    var check = RunPython(peer, "check", tmp, file).Trim();
    Console.WriteLine();
    Console.WriteLine($"MedFM NiftiWriter .nii.gz: {write * 1e3:F1} ms; nibabel re-reads it: {check}");
}
finally { File.Delete(tmp); }
return 0;

static double Time(Action action, int repeats)
{
    action(); // warm-up: JIT, first-use costs
    var times = new List<double>();
    for (int i = 0; i < repeats; i++)
    {
        // Same heap state before every iteration (the previous result is garbage): a full blocking collection,
        // outside the timing. Without it, timings depend on where background GC happens to be (2 cores).
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var sw = Stopwatch.StartNew();
        action();
        times.Add(sw.Elapsed.TotalSeconds);
    }
    return Median(times);
}

static double Median(IEnumerable<double> values)
{
    var v = values.OrderBy(x => x).ToArray();
    return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
}

string RunPython(params string[] arguments)
{
    var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in arguments) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {python}");
    var stdout = p.StandardOutput.ReadToEnd();
    var stderr = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{python} {string.Join(' ', arguments)} failed: {stderr}");
    return stdout;
}

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string Root()
{
    for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "MedFM.sln"))) return d.FullName;
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "MedFM.sln"))) return d.FullName;
    throw new DirectoryNotFoundException("repository root (MedFM.sln) not found");
}
