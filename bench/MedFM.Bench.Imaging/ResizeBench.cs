using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedFM.Imaging;
using MedFM.Imaging.Transforms;

/// <summary>
/// `resize` sub-command: MedFM.Imaging.Transforms against skimage and PIL (bench/imaging/resize_peer.py) on the same
/// images in the same run, medians and ratios printed. MedSAM's resize is the headline: 512×512×3 → 1024×1024, order 3.
/// </summary>
internal static class ResizeBench
{
    public static int Run(string[] args, string root, string python)
    {
        int repeats = int.Parse(Arg(args, "--repeats") ?? "15", CultureInfo.InvariantCulture);
        var astronautPath = Path.Combine(root, ".testdata", "skimage", "astronaut.png");
        var retinaPath = Path.Combine(root, ".testdata", "skimage", "retina.jpg");
        var astronaut = ImageFile.Read(astronautPath);
        var retina = ImageFile.Read(retinaPath);
        var rgb = astronaut.GetData<byte>().ToArray();
        Console.WriteLine($"{Environment.ProcessorCount} cores; MedSAM input {astronaut.Width}×{astronaut.Height}×{astronaut.Components}, retina {retina.Width}×{retina.Height}; repeats {repeats}");

        int heavy = Math.Max(3, repeats / 3);
        var ours = new List<(string Name, string Peer, double Seconds)>
        {
            ("SkimageResize MedSAM call (exact near integers)", "medsam_skimage",
                Time(() => SkimageResize.Resize(rgb, 512, 512, 3, 1024, 1024, SkimageResizeOptions.MedSam), heavy)),
            ("SkimageResize MedSAM call (separable only)", "medsam_skimage",
                Time(() => SkimageResize.Resize(rgb, 512, 512, 3, 1024, 1024, SkimageResizeOptions.MedSam with { ExactNearIntegers = false }), heavy)),
            ("  + AsUInt8 + MinMaxScale", "medsam_full",
                Time(() => IntensityOps.MinMaxScale(IntensityOps.AsUInt8(SkimageResize.Resize(rgb, 512, 512, 3, 1024, 1024, SkimageResizeOptions.MedSam))), heavy)),
            ("PilResize bicubic 512² RGB → 1024²", "pil_bicubic_up", Time(() => PilResize.Resize(astronaut, 1024, 1024, PilFilter.Bicubic), repeats)),
            ("PilResize bilinear retina → 1024² (SAM)", "pil_bilinear_sam", Time(() => PilResize.Resize(retina, 1024, 1024, PilFilter.Bilinear), repeats)),
            ("PilResize bicubic retina → 248² (timm)", "pil_bicubic_timm", Time(() => PilResize.Resize(retina, 248, 248, PilFilter.Bicubic), repeats)),
        };
        var peerScript = Path.Combine(root, "bench", "imaging", "resize_peer.py");
        var peer = JsonDocument.Parse(RunPython(python, peerScript, repeats.ToString(CultureInfo.InvariantCulture), astronautPath, retinaPath)).RootElement;
        Console.WriteLine($"peer: {peer.GetProperty("versions").GetString()}");
        Console.WriteLine();
        Console.WriteLine($"{"case",-50} {"MedFM ms",10} {"peer ms",10} {"peer/MedFM",11}");
        foreach (var (name, peerName, seconds) in ours)
        {
            double p = Median(peer.GetProperty(peerName).EnumerateArray().Select(e => e.GetDouble()));
            Console.WriteLine($"{name,-50} {seconds * 1e3,10:F1} {p * 1e3,10:F1} {p / seconds,10:F1}x");
        }
        return 0;
    }

    private static double Time(Action action, int repeats)
    {
        action();
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalSeconds);
        }
        return Median(times);
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static string RunPython(string python, params string[] arguments)
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

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
