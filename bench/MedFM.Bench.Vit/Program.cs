using System.Diagnostics;
using System.Globalization;
using MedFM.Bench.Sam;
using MedFM.Models.Vit;
using MedFM.Tensors;
using MedFM.Tensors.IO;
using MedFM.Tensors.Memory;

// ViT-B/16 forward (224², logits) against the peers, same machine, same run, same thread count (MEDFM_THREADS):
//   MedFM.Bench.Vit [repeats] [batch,batch,...] [--ort] [--rounds N]
// The reference (bench/vit/vit_peer.py, TIMM_PATH = a pytorch-image-models checkout) builds timm's vit_base_patch16_224
// with seeded weights, times it under tuned PyTorch and writes weights, inputs and outputs; MedFM loads the same
// file strictly through the preset, checks parity of logits and pooled features, and times the same inputs. With
// --ort the exported ONNX model is timed on ONNX Runtime (bench/peers/setup.sh installs it). Ratio = peer / MedFM.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
int threads = EngineInfo.Threads;
var (rounds, positional) = Peers.RoundsAndPositional(args);
int repeats = positional.Length > 0 && int.TryParse(positional[0], out var r) ? r : 5;
int[] batches = positional.Length > 1 ? positional[1].Split(',').Select(int.Parse).ToArray() : [1, 8];
bool ort = args.Contains("--ort");
string root = Peers.Root();
string dir = Directory.CreateTempSubdirectory("medfm-vit-bench-").FullName;
Console.WriteLine($"ViT-B/16 224² forward, {threads} thread(s), median of {repeats} after one warm-up; MedFM and ONNX Runtime alternate " +
                  $"{rounds} rounds of {repeats} (medians over all rounds, and ORT/MedFM per round); peer files in a temporary folder");
var torch = Peers.Run(Path.Combine(root, "bench", "peers", "torch-tuned.sh"),
    new[] { Path.Combine(root, "bench", "vit", "vit_peer.py"), dir, threads.ToString(), repeats.ToString(), string.Join(",", batches) }
        .Concat(ort ? ["--onnx"] : Array.Empty<string>()), threads);

var model = VitLoader.Load(VitPresets.VitBasePatch16_224, Path.Combine(dir, "vit_base_seeded.safetensors"));
// As ONNX Runtime does when it opens a session, the linear weights are packed once for the matrix kernel, and their
// unpacked arrays are freed (they would be rebuilt from the packs if anything read them).
Console.WriteLine($"weights packed for inference: {model.PrepackForInference(releaseWeights: true) / 1e6:F0} MB");
var pool = new BufferPool();
var rows = new List<string>();
foreach (int b in batches.Order())
{
    var input = Npy.Read(Path.Combine(dir, $"input_b{b}.npy"));
    var x = Tensor.Wrap(input.ToFloat32(), input.Shape);
    Tensor logits = null!, pooled;
    var times = new List<double>();
    var ortTimes = new List<double>();
    var roundRatios = new List<double>();
    System.Text.Json.JsonElement? node = null;
    Time(1); // warm-up
    // MedFM and ONNX Runtime take turns, `rounds` times, so a slow minute on this machine falls on both sides.
    for (int round = 0; round < rounds; round++)
    {
        var mine = Time(repeats);
        times.AddRange(mine);
        if (!ort) continue;
        node = Peers.Run("node", new[] { Path.Combine(root, "bench", "peers", "ort-run.mjs"), Path.Combine(dir, "vit_base.onnx"),
            threads.ToString(), repeats.ToString(), $"image={b}x3x224x224" }, threads, Path.Combine(root, "bench", "peers"));
        var theirs = node.Value.GetProperty("times_s").EnumerateArray().Select(e => e.GetDouble()).ToList();
        ortTimes.AddRange(theirs);
        roundRatios.Add(Peers.Median(theirs) / Peers.Median(mine));
    }
    using (var scope = TensorScope.Begin(pool))
        pooled = scope.Keep(model.Embed(x).Contiguous());
    var (cosL, errL) = Compare(logits, Npy.Read(Path.Combine(dir, $"logits_b{b}.npy")).ToFloat32());
    var (cosP, errP) = Compare(pooled, Npy.Read(Path.Combine(dir, $"pooled_b{b}.npy")).ToFloat32());
    Console.WriteLine($"parity b{b}: logits cosine {cosL:F8} max|Δ|/scale {errL:E2}; pooled cosine {cosP:F8} max|Δ|/scale {errP:E2}");
    double ours = Peers.Median(times), torchMedian = Peers.Median(torch.GetProperty("times_s").GetProperty(b.ToString()));
    string row = $"{$"batch {b} (s)",-22}{ours,10:F3}{torchMedian,10:F3}{torchMedian / ours,8:F2}";
    if (ort)
    {
        double t = Peers.Median(ortTimes);
        row += $"{t,10:F3}{t / ours,8:F2}   per round {string.Join(" ", roundRatios.Select(q => q.ToString("F2")))}";
    }

    List<double> Time(int count)
    {
        var measured = new List<double>();
        for (int i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var scope = TensorScope.Begin(pool))
                logits = scope.Keep(model.Forward(x).Contiguous());
            measured.Add(clock.Elapsed.TotalSeconds);
        }
        return measured;
    }
    // Batches run in increasing order, so the peak so far is what a process running this batch alone would reach.
    row += $"   peak RSS: MedFM {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F2} GB" +
           (ort ? $", ORT {node!.Value.GetProperty("peak_rss_bytes").GetDouble() / 1e9:F2} GB" : "");
    rows.Add(row);
}
int repacks = model.NamedModules().Select(m => m.Module).OfType<MedFM.NN.Layers.Linear>().Sum(l => l.Pack?.Repacks ?? 0);
if (repacks > 0) Console.WriteLine($"warning: {repacks} packed weights were packed again during the runs (a weight was written)");
long ourPeak = Process.GetCurrentProcess().PeakWorkingSet64;
Console.WriteLine($"{"",-22}{"MedFM",10}{"PyTorch",10}{"ratio",8}{(ort ? $"{"ORT",10}{"ratio",8}" : "")}");
rows.ForEach(Console.WriteLine);
Console.WriteLine($"{"peak RSS (GB)",-22}{ourPeak / 1e9,10:F2}{torch.GetProperty("peak_rss_bytes").GetDouble() / 1e9,10:F2}");
Console.WriteLine($"PyTorch {torch.GetProperty("torch").GetString()} tuned (OpenMP OpenBLAS + jemalloc), timm {torch.GetProperty("timm").GetString()}, " +
                  $"{torch.GetProperty("threads").GetInt32()} thread(s); ratio = peer time / MedFM time (> 1: MedFM faster)");
Directory.Delete(dir, recursive: true);
return 0;

static (double Cosine, double ScaledMaxError) Compare(Tensor ours, float[] reference)
{
    var a = ours.ToArray();
    if (a.Length != reference.Length) throw new InvalidOperationException($"sizes differ: {a.Length} vs {reference.Length}");
    double dot = 0, na = 0, nr = 0, diff = 0, scale = 0;
    for (int i = 0; i < a.Length; i++)
    {
        dot += (double)a[i] * reference[i];
        na += (double)a[i] * a[i];
        nr += (double)reference[i] * reference[i];
        diff = Math.Max(diff, Math.Abs(a[i] - reference[i]));
        scale = Math.Max(scale, Math.Abs(reference[i]));
    }
    return (dot / Math.Sqrt(na * nr), diff / scale);
}
