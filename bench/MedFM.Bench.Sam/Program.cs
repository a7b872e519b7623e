using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedFM.Bench.Sam;
using MedFM.Imaging;
using MedFM.Imaging.Nifti;
using MedFM.Models.Sam;
using MedFM.Tensors;
using MedFM.Tensors.IO;
using MedFM.Tensors.Memory;

// SAM benchmarks against the peers, same machine, same run, same thread count (MEDFM_THREADS / OMP_NUM_THREADS):
//   encoder   [repeats] [--ort]: SAM ViT-B with seeded random weights made by the reference (bench/sam/sam_peer.py,
//             SAM_PATH = a segment-anything checkout): image encoder at 1024² and one box prompt, MedFM vs tuned PyTorch
//             (and ONNX Runtime with --ort), parity of the embedding and low-res logits, peak RSS of each process.
//   propagate [slices]: 3-D propagation with the bundled model through Colin27 (mricron-data's ch2.nii.gz given as the
//             next argument), wall time and cost per slice.
var culture = CultureInfo.InvariantCulture;
CultureInfo.DefaultThreadCurrentCulture = culture;
int threads = EngineInfo.Threads;
string mode = args.Length > 0 ? args[0] : "encoder";
if (mode == "encoder") return Encoder(args.Length > 1 ? int.Parse(args[1]) : 3, args.Contains("--ort"));
if (mode == "propagate") return Propagate(args[1], args.Length > 2 ? int.Parse(args[2]) : 100);
if (mode == "trace") return Trace(args[1], int.Parse(args[2]), SamBox.Parse(args[3]));
Console.Error.WriteLine("usage: MedFM.Bench.Sam encoder [repeats] [--ort] | propagate <ch2.nii.gz> [slices]");
return 2;

int Encoder(int repeats, bool ort)
{
    string root = Peers.Root();
    string dir = Directory.CreateTempSubdirectory("medfm-sam-bench-").FullName;
    Console.WriteLine($"SAM ViT-B, 1024x1024, {threads} thread(s), median of {repeats}; peer files in a temporary folder");
    var torch = Peers.Run(Path.Combine(root, "bench", "peers", "torch-tuned.sh"),
        new[] { Path.Combine(root, "bench", "sam", "sam_peer.py"), dir, threads.ToString(), repeats.ToString() }.Concat(ort ? new[] { "--onnx" } : Array.Empty<string>()),
        threads);

    var model = SamLoader.Load(SamPresets.SamVitB, Path.Combine(dir, "sam_vit_b_seeded.safetensors"));
    model.Eval();
    var input = Npy.Read(Path.Combine(dir, "input.npy"));
    var x = Tensor.Wrap(input.ToFloat32(), input.Shape);
    var pool = new BufferPool();
    Tensor? embedding = null;
    var times = new List<double>();
    for (int i = 0; i <= repeats; i++)
    {
        var clock = Stopwatch.StartNew();
        using (var scope = TensorScope.Begin(pool))
            embedding = scope.Keep(model.ImageEncoder.Forward(x)).Contiguous();
        if (i > 0) times.Add(clock.Elapsed.TotalSeconds);      // the first call is the warm-up, as for the peer
    }
    long ourPeak = Process.GetCurrentProcess().PeakWorkingSet64;

    var box = torch.GetProperty("box").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
    Tensor low = null!, iou = null!;
    var promptTimes = new List<double>();
    for (int i = 0; i <= 20; i++)
    {
        var clock = Stopwatch.StartNew();
        using (var scope = TensorScope.Begin(pool))
        {
            var (l, q) = model.Decode(embedding!, new SamPrompt(Box: Tensor.Wrap(box, 1, 4)), multimask: false);
            (low, iou) = (scope.Keep(l).Contiguous(), scope.Keep(q).Contiguous());
        }
        if (i > 0) promptTimes.Add(clock.Elapsed.TotalSeconds);
    }

    var (embDiff, embScale) = Compare(embedding!, Npy.Read(Path.Combine(dir, "embedding.npy")).ToFloat32());
    var (lowDiff, lowScale) = Compare(low, Npy.Read(Path.Combine(dir, "lowres.npy")).ToFloat32());
    double ours = Peers.Median(times), theirs = Peers.Median(torch.GetProperty("encoder_s"));
    double oursPrompt = Peers.Median(promptTimes), theirsPrompt = Peers.Median(torch.GetProperty("prompt_s"));
    Console.WriteLine($"parity    embedding max|Δ| {embDiff:E2} (scale {embScale:F3}), low-res logits max|Δ| {lowDiff:E2} (scale {lowScale:F3})");
    Console.WriteLine($"{"",-28}{"MedFM",10}{"PyTorch",10}{"ratio",8}");
    Console.WriteLine($"{"encoder (s)",-28}{ours,10:F2}{theirs,10:F2}{theirs / ours,8:F2}");
    Console.WriteLine($"{"one box prompt (ms)",-28}{oursPrompt * 1e3,10:F1}{theirsPrompt * 1e3,10:F1}{theirsPrompt / oursPrompt,8:F2}");
    Console.WriteLine($"{"peak RSS (GB)",-28}{ourPeak / 1e9,10:F2}{torch.GetProperty("peak_rss_bytes").GetDouble() / 1e9,10:F2}");
    Console.WriteLine($"PyTorch {torch.GetProperty("torch").GetString()} tuned (OpenMP OpenBLAS + jemalloc), {torch.GetProperty("threads").GetInt32()} thread(s); ratio = peer time / MedFM time");
    if (ort)
    {
        var node = Peers.Run("node", new[] { Path.Combine(root, "bench", "peers", "ort-run.mjs"), Path.Combine(dir, "sam_vit_b_encoder.onnx"),
            threads.ToString(), repeats.ToString(), "image=1x3x1024x1024" }, threads, Path.Combine(root, "bench", "peers"));
        double ortTime = node.GetProperty("median_s").GetDouble();
        Console.WriteLine($"{"encoder, ONNX Runtime (s)",-28}{ours,10:F2}{ortTime,10:F2}{ortTime / ours,8:F2}   peak RSS {node.GetProperty("peak_rss_bytes").GetDouble() / 1e9:F2} GB ({node.GetProperty("peer").GetString()})");
    }
    Directory.Delete(dir, recursive: true);
    return 0;
}

static (double MaxDiff, double Scale) Compare(Tensor ours, float[] reference)
{
    var a = ours.ToArray();
    if (a.Length != reference.Length) throw new InvalidOperationException($"sizes differ: {a.Length} vs {reference.Length}");
    double diff = 0, scale = 0;
    for (int i = 0; i < a.Length; i++)
    {
        diff = Math.Max(diff, Math.Abs(a[i] - reference[i]));
        scale = Math.Max(scale, Math.Abs(reference[i]));
    }
    return (diff, scale);
}

int Propagate(string ch2, int slices)
{
    string root = Peers.Root();
    var volume = NiftiReader.ReadVolume(ch2).Reorient("LPS");
    var model = SamLoader.Load(SamPresets.MedFmTiny, Path.Combine(root, "models", "medfm_sam_tiny.safetensors"));
    int first = (volume.Depth - slices) / 2, last = first + slices - 1, key = (first + last) / 2;
    // The whole head on the key slice: the box of the non-zero voxels, so the structure persists through the range.
    var u8 = SamImage.ToUInt8(volume).Slice(key);
    var px = u8.GetData<byte>();
    int x0 = u8.Width, y0 = u8.Height, x1 = 0, y1 = 0;
    for (int y = 0; y < u8.Height; y++)
    for (int x = 0; x < u8.Width; x++)
        if (px[y * u8.Width + x] > 20) { x0 = Math.Min(x0, x); y0 = Math.Min(y0, y); x1 = Math.Max(x1, x + 1); y1 = Math.Max(y1, y + 1); }
    var segmenter = new SamVolumeSegmenter(new SamPredictor(model));
    var clock = Stopwatch.StartNew();
    var result = segmenter.Segment(volume, new VolumePrompt(key, new SamBox(x0, y0, x1, y1), first, last));
    double wall = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"propagation, bundled medfm_sam_tiny, {threads} thread(s): slices {first}..{last} of {volume.Width}x{volume.Height}x{volume.Depth}, " +
                      $"{result.Slices.Count} segmented in {wall:F2} s = {wall / result.Slices.Count * 1e3:F1} ms per slice " +
                      $"(median slice {Peers.Median(result.Slices.Select(s => s.Seconds)) * 1e3:F1} ms)");
    return 0;
}

// Per-slice area and predicted IoU of one propagation (LPS-reoriented volume), to see where and why it stops.
int Trace(string path, int key, SamBox box)
{
    var volume = NiftiReader.ReadVolume(path).Reorient("LPS");
    var model = SamLoader.Load(SamPresets.MedFmTiny, Path.Combine(Peers.Root(), "models", "medfm_sam_tiny.safetensors"));
    var result = new SamVolumeSegmenter(new SamPredictor(model)).Segment(volume, new VolumePrompt(key, box));
    foreach (var s in result.Slices.OrderBy(s => s.Slice)) Console.WriteLine($"{s.Slice,4} {s.Area,6} {s.PredictedIou,7:F3}");
    return 0;
}
