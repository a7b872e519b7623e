using System.Diagnostics;
using System.Globalization;
using MedFM.Bench.Sam;
using MedFM.Models.Clip;
using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.IO;
using MedFM.Tensors.Memory;

// CLIP ViT-B/16 towers against tuned PyTorch (and with --ort ONNX Runtime), same machine, same run, same thread count
// (MEDFM_THREADS):
//   MedFM.Bench.Clip [repeats] [image_batch] [text_batch] [context] [bert_context] [--ort] [--rounds N]
//   (defaults 3, 8, 64, 77, 256, 3 rounds)
// The peer (bench/clip/clip_peer.py; OPEN_CLIP_SRC = open_clip's src folder, TIMM_PATH = a timm checkout) builds
// open_clip's ViT-B-16 with its seeded initialisation, times encode_image and encode_text and writes weights, inputs
// and outputs; MedFM loads the same file strictly through the ViT-B-16 preset, checks parity and times the same
// inputs. With bert_context > 0, BiomedCLIP's text tower (PubMedBERT-base + MLP projection) is compared the same way
// at that context (0 skips it). With --ort the peer also exports each tower to ONNX with the benchmark's fixed shapes and
// bench/peers/ort-run.mjs times it on ONNX Runtime's CPU provider (bench/peers/setup.sh installs it), taking turns with
// MedFM for `rounds` rounds of `repeats` runs (a slow minute on the machine then falls on both), on pseudo-random inputs of the same shapes (token ids drawn over the whole vocabulary, so hardly any padding: every
// tower here is dense over the context, so the cost does not depend on the ids). A failed export or ORT run is printed
// in place of its time and makes the exit code 1. Ratio = peer time / MedFM time (> 1: MedFM faster).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
int threads = EngineInfo.Threads;
var (rounds, numbers) = Peers.RoundsAndPositional(args);
bool ort = args.Contains("--ort");
int repeats = Arg(0, 3), imageBatch = Arg(1, 8), textBatch = Arg(2, 64), context = Arg(3, 77), bertContext = Arg(4, 256);
string root = Peers.Root();
string dir = Directory.CreateTempSubdirectory("medfm-clip-bench-").FullName;
Console.WriteLine($"CLIP ViT-B/16: image tower b{imageBatch} at 224², text tower b{textBatch} at context {context}; {threads} thread(s), median of {repeats} after one warm-up, {rounds} rounds taking turns with ONNX Runtime");
var torch = Peers.Run(Path.Combine(root, "bench", "peers", "torch-tuned.sh"),
    new[] { Path.Combine(root, "bench", "clip", "clip_peer.py"), dir, threads.ToString(), repeats.ToString(), imageBatch.ToString(), textBatch.ToString(), context.ToString(), bertContext.ToString() }
        .Concat(ort ? ["--onnx"] : Array.Empty<string>()), threads);

var model = ClipLoader.Load(ClipPresets.Get("ViT-B-16"), Path.Combine(dir, "clip_vit_b16_seeded.safetensors"));
// As ONNX Runtime does when it opens a session (and as ClipSession does), linear weights are packed once and their
// unpacked arrays freed.
Console.WriteLine($"weights packed for inference: {model.PrepackForInference(releaseWeights: true) / 1e6:F0} MB");
var imagesNpy = Npy.Read(Path.Combine(dir, "images.npy"));
var images = Tensor.Wrap(imagesNpy.ToFloat32(), imagesNpy.Shape);
var idsNpy = Npy.Read(Path.Combine(dir, "ids.npy"));
var ids = Tensor.FromLongs(idsNpy.ToInt64(), idsNpy.Shape);
var pool = new BufferPool();
Func<Tensor> imageRun = () => model.EncodeImage(images), textRun = () => model.EncodeText(ids);
Report("image", Time(imageRun, 1).Output, "image_emb.npy");   // each first run is also the warm-up
Report("text", Time(textRun, 1).Output, "text_emb.npy");
Func<Tensor>? bertRun = null;
if (bertContext > 0)
{
    var bert = new HfTextEncoder(ClipPresets.Get("biomedclip").Text, 512);
    using (var state = MedFM.Models.Checkpoints.CheckpointFile.LoadStateDict(Path.Combine(dir, "bert_text_seeded.safetensors")))
        MedFM.Models.Loading.StateDictTensors.LoadInto(state, bert);
    bert.Eval();
    bert.PrepackForInference(releaseWeights: true);
    var bertNpy = Npy.Read(Path.Combine(dir, "bert_ids.npy"));
    var bertIds = Tensor.FromLongs(bertNpy.ToInt64(), bertNpy.Shape);
    bertRun = () => bert.Encode(bertIds);
    Report("BiomedCLIP text", Time(bertRun, 1).Output, "bert_emb.npy");
}
var rows = new List<string>();
var failures = new List<string>();
string? ortPeer = null;
Row("image", $"image tower b{imageBatch} (s)", imageRun, "image_s", $"image={imageBatch}x3x224x224");
Row("text", $"text tower b{textBatch} ctx {context} (s)", textRun, "text_s", $"ids={textBatch}x{context}:int64:{model.Config.Text.VocabSize}");
if (bertRun is not null)
    Row("bert", $"BERT tower b{textBatch} ctx {bertContext} (s)", bertRun, "bert_s", $"ids={textBatch}x{bertContext}:int64:{ClipPresets.Get("biomedclip").Text.Bert!.VocabSize}");
long ourPeak = Process.GetCurrentProcess().PeakWorkingSet64;   // ORT runs in processes of its own
Console.WriteLine($"{"",-28}{"MedFM",10}{"PyTorch",10}{"ratio",8}{(ort ? $"{"ORT",10}{"ratio",8}" : "")}");
rows.ForEach(Console.WriteLine);
Console.WriteLine($"{"peak RSS (GB)",-28}{ourPeak / 1e9,10:F2}{torch.GetProperty("peak_rss_bytes").GetDouble() / 1e9,10:F2}");
failures.ForEach(Console.WriteLine);
Console.WriteLine($"PyTorch {torch.GetProperty("torch").GetString()} tuned (OpenMP OpenBLAS + jemalloc), {torch.GetProperty("threads").GetInt32()} thread(s)" +
                  $"{(ortPeer is null ? "" : $"; {ortPeer} CPU, {threads} intra-op thread(s)")}; ratio = peer time / MedFM time (> 1: MedFM faster)");
Directory.Delete(dir, recursive: true);
return failures.Count == 0 ? 0 : 1;

int Arg(int i, int fallback) => numbers.Length > i && int.TryParse(numbers[i], out var v) ? v : fallback;

// One table row: MedFM and PyTorch medians and, with --ort, ONNX Runtime's on the exported tower (or why there is none),
// MedFM and ONNX Runtime taking turns for `rounds` rounds; medians over all rounds, and ORT/MedFM per round.
void Row(string tower, string label, Func<Tensor> run, string torchKey, string ortInput)
{
    string? onnx = null, problem = null;
    if (ort)
    {
        if (torch.TryGetProperty("onnx", out var files) && files.TryGetProperty(tower, out var file)) onnx = file.GetString()!;
        else
        {
            string why = torch.TryGetProperty("onnx_errors", out var errors) && errors.TryGetProperty(tower, out var error)
                ? error.GetString()! : "no ONNX file reported by the peer";
            problem = $"{"no ONNX",10}{"",8}";
            failures.Add($"ORT {tower} tower: export failed: {why}");
        }
    }
    List<double> ourTimes = [], ortTimes = [], perRound = [];
    double ortPeak = 0;
    for (int round = 0; round < rounds; round++)
    {
        var mine = Time(run, repeats).Times;
        ourTimes.AddRange(mine);
        if (onnx is null || problem is not null) continue;
        try
        {
            var node = Peers.Run("node", new[] { Path.Combine(root, "bench", "peers", "ort-run.mjs"), Path.Combine(dir, onnx),
                threads.ToString(), repeats.ToString(), ortInput }, threads, Path.Combine(root, "bench", "peers"));
            var theirs = node.GetProperty("times_s").EnumerateArray().Select(e => e.GetDouble()).ToList();
            ortTimes.AddRange(theirs);
            perRound.Add(Peers.Median(theirs) / Peers.Median(mine));
            ortPeer ??= node.GetProperty("peer").GetString();
            ortPeak = Math.Max(ortPeak, node.GetProperty("peak_rss_bytes").GetDouble());
        }
        catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException)
        {
            problem = $"{"failed",10}{"",8}";
            failures.Add($"ORT {tower} tower: run failed: {e.Message}");
        }
    }
    double ours = Peers.Median(ourTimes), theirsTorch = Peers.Median(torch.GetProperty(torchKey));
    string row = $"{label,-28}{ours,10:F3}{theirsTorch,10:F3}{theirsTorch / ours,8:F2}";
    if (problem is not null) row += problem;
    else if (ort)
    {
        double t = Peers.Median(ortTimes);
        row += $"{t,10:F3}{t / ours,8:F2}   per round {string.Join(" ", perRound.Select(q => q.ToString("F2")))} (ORT peak RSS {ortPeak / 1e9:F2} GB)";
    }
    rows.Add(row);
}

(Tensor Output, List<double> Times) Time(Func<Tensor> run, int count)
{
    Tensor output = null!;
    var times = new List<double>();
    for (int i = 0; i < count; i++)
    {
        var clock = Stopwatch.StartNew();
        using (GradMode.Disable())
        using (var scope = TensorScope.Begin(pool))
            output = scope.Keep(run()).Contiguous();
        times.Add(clock.Elapsed.TotalSeconds);
    }
    return (output, times);
}

void Report(string what, Tensor ours, string file)
{
    var reference = Npy.Read(Path.Combine(dir, file)).ToFloat32();
    var a = ours.ToArray();
    double dot = 0, na = 0, nr = 0, diff = 0, scale = 0;
    for (int i = 0; i < a.Length; i++)
    {
        dot += (double)a[i] * reference[i];
        na += (double)a[i] * a[i];
        nr += (double)reference[i] * reference[i];
        diff = Math.Max(diff, Math.Abs(a[i] - reference[i]));
        scale = Math.Max(scale, Math.Abs(reference[i]));
    }
    Console.WriteLine($"parity {what}: cosine {dot / Math.Sqrt(na * nr):F8}, max|Δ|/scale {diff / scale:E2}");
}
