using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MedFM.Imaging.Dicom;
using MedFM.Imaging.Nifti;

// Imaging I/O benchmark against the Python peers, same files and same run:
//  - a 512×512×300 CT series (made with dcmtk's dump2dcm) to a float32 HU volume: MedFM's DicomSeriesReader (parallel
//    on all cores, and on one thread) against pydicom + numpy (read all, sort by position, stack, rescale);
//  - ch2.nii.gz: MedFM's NiftiReader against nibabel, in the stored type and as float32.
// Fairness: both sides read the same files from a warm page cache (each side loads everything twice before timing);
// each timed load starts from a collected heap on both sides (GC.Collect / gc.collect, untimed); the sides alternate
// within every round and the order flips from round to round (ABBA), so a busy machine (this one is shared) slows both
// alike. Wall time (median and min) and process CPU time (median) are printed per side, then the ratios; CPU time shows
// how much of a slow wall time was waiting for a core. The volumes are compared (voxel sums, slice order, origin).
// Usage: dotnet run -c Release --project bench/MedFM.Bench.Dicom -- [--rounds N] [--dir FOLDER] [--nifti PATH|none]
//            [--slices N] [--size N] [--only medfm] [--nifti-only] [--python /usr/bin/python3]
// --dir keeps the series in FOLDER (made there when it holds no .dcm files) so later runs skip making it; --only medfm
// times MedFM alone (for profiling); --nifti-only times the NIfTI part alone (no series is made or read).
//
// Why earlier runs swung between 0.8x and 9x: the sides were timed under different conditions. The peer was timed
// after its own warm-up only, MedFM's parallel load competed for both cores with other jobs on this shared machine,
// and single medians of a few loads moved 2-4x with the load average. With the rounds interleaved (ABBA), a warm
// cache and a collected heap on both sides, the first fair run (load average about 3) gave MedFM 0.45 s parallel /
// 0.49 s one thread against pydicom 0.47 s: no 2x. A profile showed why: most of MedFM's time went into copying file
// bytes into fresh arrays (a 256 KB head per header scan, the whole 512 KB file, a 512 KB stored-value array per
// slice), each new large-object-heap array paying page faults (about 12 µs per 4 KB page on this VM), not into parsing
// or the rescale. Since then a slice is two small reads into pooled buffers and large buffers are faulted in by one
// madvise call; pydicom's own wall time still varies 2x from round to round with its page faults (its CPU time follows).
//
// Two runs on the 2-core machine of record, shared (load average 3.3-5), 7 rounds each, pydicom 2.3.1 + numpy 1.24.2,
// nibabel 5.0.0, identical volumes each run (wall median / min in seconds):
//   run  MedFM parallel, fresh memory  MedFM one thread, fresh  pydicom + numpy   ratio (median, fresh memory)
//   1    0.128 / 0.101                 0.145 / 0.108            0.575 / 0.427     4.5x parallel, 4.0x one thread
//   2    0.164 / 0.125                 0.143 / 0.125            0.562 / 0.424     3.4x parallel, 3.9x one thread
//   with the heap kept MedFM takes 0.06-0.09 s (6-10x). Parallel decoding gains nothing measurable while the other
//   core is busy with other jobs (its CPU time equals its wall time).
//   ch2.nii.gz (uint8, 3.5 MB gzip): MedFM 0.023-0.032 s stored, 0.025-0.034 s float32; nibabel 0.041-0.042 s and
//   0.039-0.050 s: 1.3-1.9x, below the 2x target. Both sides spend most of it inflating (zlib-ng here: 19 ms for the
//   7.1 MB, CPython's zlib 1.2.13: 26 ms); a single gzip member cannot be inflated in parallel.
// With libdeflate (Debian libdeflate0, 1.14) inflating the whole file in one call (12.5-14.5 ms for the 7.1 MB), the
// file read whole into a pooled buffer and the voxels copied out (1.5-4 ms for 7.1 MB on this VM), two runs (load
// average 3.7-4.3), wall median / min in seconds:
//   run  stored, heap kept  stored, fresh  managed inflate  nibabel        float32, heap kept  fresh          nibabel
//   1    0.016 / 0.016      0.020 / 0.018  0.020 / 0.019    0.036 / 0.033  0.018 / 0.015       0.022 / 0.020  0.038 / 0.034
//   2    0.016 / 0.015      0.019 / 0.018  0.020 / 0.019    0.039 / 0.033  0.017 / 0.015       0.020 / 0.018  0.036 / 0.034
//   ratio (median): 2.2-2.4x stored and 2.1x float32 with the heap kept; 1.8-2.1x stored and 1.7-1.8x float32 with
//   fresh memory (the pooled buffers are given back by the aggressive collection and faulted in again).
// Measured again later, the loss was elsewhere: the pooled buffers survive the aggressive collection, but the voxel
// array is fresh memory in both modes (the GC gives a freed 7 MB array's pages back even after a forced collection), and
// on this VM a fresh 4 KB page costs microseconds on its first write even after MADV_POPULATE_WRITE: the 7 MB copy took
// 4-5 ms instead of 0.4 ms, the 28 MB float32 conversion 6 ms instead of 1.5 ms. Now the array is allocated before
// inflating and its pages are faulted in on the second core meanwhile (IO/PageWarmer). Three runs (load average 1.9-2.0,
// another job on the machine), wall median / min in seconds:
//   run  stored, heap kept  stored, fresh  managed inflate  nibabel        float32, heap kept  fresh          nibabel
//   1    0.017 / 0.015      0.017 / 0.016  0.022 / 0.022    0.034 / 0.034  0.018 / 0.017       0.019 / 0.018  0.036 / 0.035
//   2    0.015 / 0.014      0.015 / 0.015  0.019 / 0.019    0.037 / 0.034  0.016 / 0.015       0.019 / 0.016  0.035 / 0.035
//   3    0.016 / 0.015      0.017 / 0.015  0.023 / 0.018    0.041 / 0.034  0.016 / 0.016       0.019 / 0.016  0.044 / 0.035
//   ratio (median): 2.05-2.55x stored and 2.04-2.71x float32 with the heap kept; 1.96-2.39x stored and 1.89-2.25x
//   float32 with fresh memory. MedFM's CPU time is now above its wall time (0.020-0.032 s): the faults are paid on the second
//   core. The floor is libdeflate's 13 ms (ISA-L's igzip, tried, inflates this file in the same 13 ms), so 2.5x
//   against nibabel's 33-35 ms needs a parallel inflate; the managed inflater (zlib-ng, 17-18 ms) stays below 2x.

int slices = int.Parse(Arg("--slices") ?? "300", CultureInfo.InvariantCulture);
int size = int.Parse(Arg("--size") ?? "512", CultureInfo.InvariantCulture);
int rounds = int.Parse(Arg("--rounds") ?? "7", CultureInfo.InvariantCulture);
var python = Arg("--python") ?? "/usr/bin/python3";
bool withPeer = Arg("--only") != "medfm";
bool withDicom = !args.Contains("--nifti-only");
var nifti = Arg("--nifti") ?? Path.Combine(Root(), ".testdata", "mricron", "ch2.nii.gz");
if (nifti == "none" || !File.Exists(nifti)) { if (nifti != "none") Console.WriteLine($"no NIfTI file at {nifti}: NIfTI part skipped"); nifti = null; }
var peerScript = Path.Combine(Root(), "bench", "dicom", "pydicom_peer.py");
var keep = Arg("--dir");
var dir = keep ?? Path.Combine(Path.GetTempPath(), $"medfm-bench-dicom-{Environment.ProcessId}");
if (!withDicom && nifti is null) { Console.WriteLine("--nifti-only needs a NIfTI file"); return 2; }
if (!withDicom) dir = "none";
try
{
    var sw = Stopwatch.StartNew();
    if (withDicom)
    {
        int existing = Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*.dcm").Count() : 0;
        if (existing == 0) MakeSeries(dir, slices, size);
        else if (existing != slices) throw new InvalidOperationException($"{dir} holds {existing} .dcm files, not {slices}: remove it or pass --slices {existing}");
        Console.WriteLine($"series: {slices} slices of {size}×{size} int16 (slope 1, intercept -1024), " +
            (existing == 0 ? $"made with dump2dcm in {sw.Elapsed.TotalSeconds:F1} s" : $"reused from {dir}") +
            $"; {Environment.ProcessorCount} cores, {rounds} rounds, load average before: {LoadAverage()}");
    }
    else Console.WriteLine($"NIfTI only; {Environment.ProcessorCount} cores, {rounds} rounds, load average before: {LoadAverage()}");
    var single = new DicomSeriesOptions { Parallel = false };
    var asFloat = new NiftiReadOptions { AsFloat32 = true };
    var managedInflate = new NiftiReadOptions { NativeInflate = false };
    using var peer = withPeer ? new Peer(python, peerScript, dir, nifti) : null;
    DicomSeriesVolume result = null!;
    MedFM.Imaging.Volume? niftiFloat = null;
    for (int w = 0; w < 2; w++) // warm-up: JIT, page cache, allocator
    {
        if (withDicom) { result = DicomSeriesReader.Load(dir); DicomSeriesReader.Load(dir, options: single); }
        if (nifti is not null) { NiftiReader.ReadVolume(nifti); niftiFloat = NiftiReader.ReadVolume(nifti, asFloat); }
    }
    var t = new Dictionary<string, Samples>();
    Samples S(string name) => t.TryGetValue(name, out var s) ? s : t[name] = new Samples();
    var steps = !withDicom ? new List<Action>() : new List<Action>
    {
        () => S("par").Add(Time(() => result = DicomSeriesReader.Load(dir), fresh: false)),
        () => S("one").Add(Time(() => result = DicomSeriesReader.Load(dir, options: single), fresh: false)),
        () => S("parF").Add(Time(() => result = DicomSeriesReader.Load(dir), fresh: true)),
        () => S("oneF").Add(Time(() => result = DicomSeriesReader.Load(dir, options: single), fresh: true)),
    };
    if (peer is not null && withDicom)
        steps.Add(() => { var e = peer.Ask("load"); S("pyd").Add((e.GetProperty("seconds").GetDouble(), e.GetProperty("cpu").GetDouble())); });
    if (nifti is not null)
    {
        steps.Add(() => S("nii").Add(Time(() => NiftiReader.ReadVolume(nifti), fresh: false)));
        steps.Add(() => S("nii32").Add(Time(() => niftiFloat = NiftiReader.ReadVolume(nifti, asFloat), fresh: false)));
        steps.Add(() => S("niiM").Add(Time(() => NiftiReader.ReadVolume(nifti, managedInflate), fresh: false)));
        steps.Add(() => S("niiF").Add(Time(() => NiftiReader.ReadVolume(nifti), fresh: true)));
        steps.Add(() => S("nii32F").Add(Time(() => niftiFloat = NiftiReader.ReadVolume(nifti, asFloat), fresh: true)));
        if (peer is not null)
            steps.Add(() =>
            {
                var e = peer.Ask("nifti");
                S("nib").Add(Pair(e.GetProperty("stored"))); S("nib32").Add(Pair(e.GetProperty("float32")));
            });
    }
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < steps.Count; i++) steps[r % 2 == 0 ? i : steps.Count - 1 - i]();
    Console.WriteLine($"load average after: {LoadAverage()}");
    Console.WriteLine();
    Console.WriteLine($"{"",-50} {"wall median",11} {"wall min",9} {"CPU median",11}   wall per round (s)");
    void Row(string key, string label)
    {
        if (t.TryGetValue(key, out var s))
            Console.WriteLine($"{label,-50} {s.WallMedian,11:F3} {s.WallMin,9:F3} {s.CpuMedian,11:F3}   {string.Join(' ', s.Wall.Select(x => x.ToString("F3", CultureInfo.InvariantCulture)))}");
    }
    var peerJson = peer?.Ask("result");
    string V(string name) => peerJson?.GetProperty(name).GetString() ?? "?";
    Row("par", $"MedFM series, parallel ({Environment.ProcessorCount} threads), heap kept");
    Row("one", "MedFM series, one thread, heap kept");
    Row("parF", $"MedFM series, parallel ({Environment.ProcessorCount} threads), fresh memory");
    Row("oneF", "MedFM series, one thread, fresh memory");
    Row("pyd", $"pydicom {V("pydicom")} + numpy {V("numpy")}");
    Row("nii", "MedFM NiftiReader, stored type, heap kept");
    Row("niiF", "MedFM NiftiReader, stored type, fresh memory");
    Row("niiM", "MedFM NiftiReader, stored, managed inflate, heap kept");
    Row("nib", $"nibabel {(nifti is null ? "" : V("nibabel"))} asanyarray(dataobj)");
    Row("nii32", "MedFM NiftiReader, AsFloat32, heap kept");
    Row("nii32F", "MedFM NiftiReader, AsFloat32, fresh memory");
    Row("nib32", "nibabel get_fdata(dtype=float32)");
    if (peerJson is not { } pj) return 0;
    Console.WriteLine();
    foreach (var (suffix, what) in withDicom ? new[] { ("F", "fresh memory"), ("", "heap kept") } : [])
    {
        var pyd = t["pyd"];
        var (par, one) = (t["par" + suffix], t["one" + suffix]);
        Console.WriteLine($"DICOM series, pydicom / MedFM ({what}): wall median {pyd.WallMedian / par.WallMedian:F2}x parallel, {pyd.WallMedian / one.WallMedian:F2}x one thread; " +
            $"wall min {pyd.WallMin / par.WallMin:F2}x / {pyd.WallMin / one.WallMin:F2}x; CPU {pyd.CpuMedian / one.CpuMedian:F2}x one thread");
    }
    if (nifti is not null)
        foreach (var (suffix, what) in new[] { ("", "heap kept"), ("F", "fresh memory") })
        {
            var (nii, nib, nii32, nib32) = (t["nii" + suffix], t["nib"], t["nii32" + suffix], t["nib32"]);
            Console.WriteLine($"NIfTI, nibabel / MedFM ({what}): wall median {nib.WallMedian / nii.WallMedian:F2}x stored, {nib32.WallMedian / nii32.WallMedian:F2}x float32; " +
                $"wall min {nib.WallMin / nii.WallMin:F2}x / {nib32.WallMin / nii32.WallMin:F2}x");
        }
    bool same = !withDicom || Compare(result, pj, slices, size);
    if (nifti is not null && niftiFloat is not null)
    {
        double ours = 0;
        foreach (var x in niftiFloat.GetData<float>()) ours += x;
        double theirs = pj.GetProperty("nifti_sum").GetDouble();
        Console.WriteLine($"same NIfTI: shape {niftiFloat.Shape} vs [{string.Join(", ", pj.GetProperty("nifti_shape").EnumerateArray())}], voxel sum {ours:F0} vs {theirs:F0}");
        same &= Math.Abs(ours - theirs) <= 1e-6 * Math.Abs(theirs) + 1;
    }
    return same ? 0 : 1;
}
finally { if (keep is null && withDicom && Directory.Exists(dir)) Directory.Delete(dir, true); }

static (double, double) Pair(JsonElement e) => (e[0].GetDouble(), e[1].GetDouble());

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

// Order-sensitive checksum: Σ_k (k + 1) · Σ slice k (slices differ by k mod 50, so a wrong order changes it).
static bool Compare(DicomSeriesVolume result, JsonElement peerJson, int slices, int size)
{
    double sum = 0, weighted = 0;
    var voxels = result.Volume.GetData<float>();
    int plane = size * size;
    for (int k = 0; k < slices; k++)
    {
        double s = 0;
        foreach (var x in voxels.Slice(k * plane, plane)) s += x;
        sum += s;
        weighted += (k + 1) * s;
    }
    double peerSum = peerJson.GetProperty("sum").GetDouble(), peerWeighted = peerJson.GetProperty("weighted").GetDouble();
    var origin = result.Volume.Geometry.Origin;
    var peerOrigin = peerJson.GetProperty("origin").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    Console.WriteLine($"same result: shape {result.Volume.Shape} vs [{string.Join(", ", peerJson.GetProperty("shape").EnumerateArray())}], " +
        $"voxel sum {sum:F0} vs {peerSum:F0}, slice-order checksum {weighted:F0} vs {peerWeighted:F0}, " +
        $"first-slice origin ({origin.X}, {origin.Y}, {origin.Z}) vs ({string.Join(", ", peerOrigin)}), warnings {result.Warnings.Count}");
    bool same = Math.Abs(sum - peerSum) < 1e-6 * Math.Abs(peerSum) + 1 && Math.Abs(weighted - peerWeighted) < 1e-6 * Math.Abs(peerWeighted) + 1
        && Math.Abs(origin.X - peerOrigin[0]) + Math.Abs(origin.Y - peerOrigin[1]) + Math.Abs(origin.Z - peerOrigin[2]) < 1e-6;
    if (!same) Console.WriteLine("MISMATCH between MedFM and the peer");
    return same;
}

static void MakeSeries(string dir, int slices, int size)
{
    Directory.CreateDirectory(dir);
    var rng = new Random(1);
    var raw = new byte[size * size * 2];
    var work = Path.Combine(dir, ".work");
    Directory.CreateDirectory(work);
    for (int k = 0; k < slices; k++)
    {
        // A body-like disc of soft tissue with noise, air outside: HU = stored − 1024.
        for (int j = 0; j < size; j++)
            for (int i = 0; i < size; i++)
            {
                double r = Math.Sqrt((i - size / 2.0) * (i - size / 2.0) + (j - size / 2.0) * (j - size / 2.0));
                short v = (short)(r < size * 0.4 ? 1064 + rng.Next(-40, 40) + (k % 50) : rng.Next(0, 30));
                BitConverter.TryWriteBytes(raw.AsSpan((j * size + i) * 2), v);
            }
        File.WriteAllBytes(Path.Combine(work, "px.raw"), raw);
        var z = (-150 + k * 1.0).ToString("0.###", CultureInfo.InvariantCulture);
        var dump = new StringBuilder()
            .AppendLine("(0002,0010) UI =LittleEndianExplicit")
            .AppendLine("(0008,0016) UI =CTImageStorage").AppendLine($"(0008,0018) UI [1.2.826.0.1.3680043.2.1125.99.{k + 1}]")
            .AppendLine("(0008,0060) CS [CT]").AppendLine("(0010,0010) PN [Bench^Patient]")
            .AppendLine("(0020,000d) UI [1.2.826.0.1.3680043.2.1125.99]").AppendLine("(0020,000e) UI [1.2.826.0.1.3680043.2.1125.99.0]")
            .AppendLine($"(0020,0013) IS [{slices - k}]").AppendLine($"(0020,0032) DS [-250\\-250\\{z}]").AppendLine("(0020,0037) DS [1\\0\\0\\0\\1\\0]")
            .AppendLine("(0028,0002) US 1").AppendLine("(0028,0004) CS [MONOCHROME2]")
            .AppendLine($"(0028,0010) US {size}").AppendLine($"(0028,0011) US {size}").AppendLine("(0028,0030) DS [0.9765625\\0.9765625]")
            .AppendLine("(0028,0100) US 16").AppendLine("(0028,0101) US 16").AppendLine("(0028,0102) US 15").AppendLine("(0028,0103) US 1")
            .AppendLine("(0028,1052) DS [-1024]").AppendLine("(0028,1053) DS [1]")
            .AppendLine("(7fe0,0010) OW =px.raw").ToString();
        File.WriteAllText(Path.Combine(work, "in.dump"), dump);
        Run("dump2dcm", "in.dump", Path.Combine(dir, $"slice{(k * 7919) % slices:D4}_{k}.dcm"), workDir: work);
    }
    Directory.Delete(work, true);
}

static (double Wall, double Cpu) Time(Action f, bool fresh)
{
    // Same heap state before every timed load (the previous volume is garbage): a full blocking collection, untimed.
    // "Heap kept": the GC keeps the freed memory and the next volume reuses its pages, as a long-running process sees
    // (an untimed load of the same kind runs first, so the pages are there whatever step came before).
    // "Fresh memory": the collection also gives free memory back to the system (GCCollectionMode.Aggressive), so the
    // load faults in every page it writes, as the first load of a new process does and as numpy does for the series
    // volume (arrays over 32 MB are unmapped when freed and mapped anew). It decommits more than numpy gives back
    // (small buffers, the allocation budget), so it is the conservative side for MedFM.
    if (!fresh) f();
    GC.Collect(2, fresh ? GCCollectionMode.Aggressive : GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    var cpu = Environment.CpuUsage.TotalTime;
    var sw = Stopwatch.StartNew();
    f();
    return (sw.Elapsed.TotalSeconds, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds);
}

static string Run(string exe, string a, string b, string? c = null, string? workDir = null)
{
    var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    if (workDir is not null) psi.WorkingDirectory = workDir;
    psi.ArgumentList.Add(a); psi.ArgumentList.Add(b);
    if (c is not null) psi.ArgumentList.Add(c);
    using var p = Process.Start(psi)!;
    var err = p.StandardError.ReadToEndAsync();
    var o = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {a} {b} failed ({p.ExitCode}): {err.Result}");
    return o;
}

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string Root()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "MedFM.sln"))) return d.FullName;
    for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "MedFM.sln"))) return d.FullName;
    throw new DirectoryNotFoundException("repository root (MedFM.sln) not found");
}

/// <summary>The pydicom peer as a long-running process: one command line in, one JSON line out.</summary>
sealed class Peer : IDisposable
{
    private readonly Process _p;

    public Peer(string python, string script, string folder, string? nifti)
    {
        var psi = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(script); psi.ArgumentList.Add(folder);
        if (nifti is not null) psi.ArgumentList.Add(nifti);
        _p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {python}");
        Read(); // {"ready": true} after its warm-up loads
    }

    public JsonElement Ask(string command)
    {
        _p.StandardInput.WriteLine(command);
        _p.StandardInput.Flush();
        return Read();
    }

    private JsonElement Read()
    {
        var line = _p.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"the peer exited ({(_p.HasExited ? _p.ExitCode : -1)})");
        var e = JsonDocument.Parse(line).RootElement;
        return e.TryGetProperty("error", out var err) ? throw new InvalidOperationException($"peer: {err}") : e;
    }

    public void Dispose()
    {
        _p.StandardInput.Close();
        if (!_p.WaitForExit(10_000)) _p.Kill();
        _p.Dispose();
    }
}

/// <summary>Wall and CPU seconds of repeated runs of one side.</summary>
sealed class Samples
{
    public List<double> Wall { get; } = [];
    public List<double> Cpu { get; } = [];
    public void Add((double Wall, double Cpu) x) { Wall.Add(x.Wall); Cpu.Add(x.Cpu); }
    public double WallMedian => Median(Wall);
    public double WallMin => Wall.Min();
    public double CpuMedian => Median(Cpu);

    private static double Median(List<double> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
