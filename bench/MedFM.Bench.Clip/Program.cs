using System.Diagnostics;
using System.Globalization;
using MedFM.Bench.Sam;
using MedFM.Models.Clip;
using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.IO;
using MedFM.Tensors.Memory;

// CLIP ViT-B/16 towers against tuned PyTorch, same machine, same run, same thread count (MEDFM_THREADS):
//   MedFM.Bench.Clip [repeats] [image_batch] [text_batch] [context] [bert_context]   (defaults 3, 8, 64, 77, 256)
// The peer (bench/clip/clip_peer.py; OPEN_CLIP_SRC = open_clip's src folder, TIMM_PATH = a timm checkout) builds
// open_clip's ViT-B-16 with its seeded initialisation, times encode_image and encode_text and writes weights, inputs
// and outputs; MedFM loads the same file strictly through the ViT-B-16 preset, checks parity and times the same
// inputs. With bert_context > 0, BiomedCLIP's text tower (PubMedBERT-base + MLP projection) is compared the same way
// at that context (0 skips it). Ratio = PyTorch time / MedFM time (> 1: MedFM faster).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
int threads = EngineInfo.Threads;
int repeats = Arg(0, 3), imageBatch = Arg(1, 8), textBatch = Arg(2, 64), context = Arg(3, 77), bertContext = Arg(4, 256);
string root = Peers.Root();
string dir = Directory.CreateTempSubdirectory("medfm-clip-bench-").FullName;
Console.WriteLine($"CLIP ViT-B/16: image tower b{imageBatch} at 224², text tower b{textBatch} at context {context}; {threads} thread(s), median of {repeats} after one warm-up");
var torch = Peers.Run(Path.Combine(root, "bench", "peers", "torch-tuned.sh"),
    [Path.Combine(root, "bench", "clip", "clip_peer.py"), dir, threads.ToString(), repeats.ToString(), imageBatch.ToString(), textBatch.ToString(), context.ToString(), bertContext.ToString()], threads);

var model = ClipLoader.Load(ClipPresets.Get("ViT-B-16"), Path.Combine(dir, "clip_vit_b16_seeded.safetensors"));
var imagesNpy = Npy.Read(Path.Combine(dir, "images.npy"));
var images = Tensor.Wrap(imagesNpy.ToFloat32(), imagesNpy.Shape);
var idsNpy = Npy.Read(Path.Combine(dir, "ids.npy"));
var ids = Tensor.FromLongs(idsNpy.ToInt64(), idsNpy.Shape);
var pool = new BufferPool();
var (imageEmb, imageTimes) = Time(() => model.EncodeImage(images));
var (textEmb, textTimes) = Time(() => model.EncodeText(ids));
Report("image", imageEmb, "image_emb.npy");
Report("text", textEmb, "text_emb.npy");
string? bertRow = null;
if (bertContext > 0)
{
    var bert = new HfTextEncoder(ClipPresets.Get("biomedclip").Text, 512);
    using (var state = MedFM.Models.Checkpoints.CheckpointFile.LoadStateDict(Path.Combine(dir, "bert_text_seeded.safetensors")))
        bert.LoadStateDict(MedFM.Models.Loading.StateDictTensors.ToTensors(state));
    bert.Eval();
    var bertNpy = Npy.Read(Path.Combine(dir, "bert_ids.npy"));
    var bertIds = Tensor.FromLongs(bertNpy.ToInt64(), bertNpy.Shape);
    var (bertEmb, bertTimes) = Time(() => bert.Encode(bertIds));
    Report("BiomedCLIP text", bertEmb, "bert_emb.npy");
    double ours = Peers.Median(bertTimes), theirs = Peers.Median(torch.GetProperty("bert_s"));
    bertRow = $"{$"BERT tower b{textBatch} ctx {bertContext} (s)",-28}{ours,10:F3}{theirs,10:F3}{theirs / ours,8:F2}";
}
double oursImg = Peers.Median(imageTimes), theirsImg = Peers.Median(torch.GetProperty("image_s"));
double oursTxt = Peers.Median(textTimes), theirsTxt = Peers.Median(torch.GetProperty("text_s"));
Console.WriteLine($"{"",-28}{"MedFM",10}{"PyTorch",10}{"ratio",8}");
Console.WriteLine($"{$"image tower b{imageBatch} (s)",-28}{oursImg,10:F3}{theirsImg,10:F3}{theirsImg / oursImg,8:F2}");
Console.WriteLine($"{$"text tower b{textBatch} ctx {context} (s)",-28}{oursTxt,10:F3}{theirsTxt,10:F3}{theirsTxt / oursTxt,8:F2}");
if (bertRow is not null) Console.WriteLine(bertRow);
Console.WriteLine($"{"peak RSS (GB)",-28}{Process.GetCurrentProcess().PeakWorkingSet64 / 1e9,10:F2}{torch.GetProperty("peak_rss_bytes").GetDouble() / 1e9,10:F2}");
Console.WriteLine($"PyTorch {torch.GetProperty("torch").GetString()} tuned (OpenMP OpenBLAS + jemalloc), {torch.GetProperty("threads").GetInt32()} thread(s); ratio = PyTorch time / MedFM time");
Directory.Delete(dir, recursive: true);
return 0;

int Arg(int i, int fallback) => args.Length > i && int.TryParse(args[i], out var v) ? v : fallback;

(Tensor Output, List<double> Times) Time(Func<Tensor> run)
{
    Tensor output = null!;
    var times = new List<double>();
    for (int i = 0; i <= repeats; i++)
    {
        var clock = Stopwatch.StartNew();
        using (GradMode.Disable())
        using (var scope = TensorScope.Begin(pool))
            output = scope.Keep(run()).Contiguous();
        if (i > 0) times.Add(clock.Elapsed.TotalSeconds);
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
