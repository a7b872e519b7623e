using System.Diagnostics;
using System.Globalization;
using MedFM.Bench.Sam;
using MedFM.Models.Vit;
using MedFM.Tensors;
using MedFM.Tensors.IO;
using MedFM.Training.Losses;
using MedFM.Training.Optim;

// Supervised fine-tune step of ViT-Ti/16 (224², 1000 classes, train mode) against tuned PyTorch, same machine, same
// run, same thread count (MEDFM_THREADS):   MedFM.Bench.FineTune [steps] [batch] [warmup] [--rounds N]   (defaults 8, 16, 4, 3)
// The peer (bench/vit/finetune_peer.py, TIMM_PATH = a pytorch-image-models checkout) builds timm's
// vit_tiny_patch16_224 with seeded weights and a seeded batch, writes them, and times `steps` steps of
// forward + cross-entropy + backward + AdamW (lr 1e-4, weight decay 0.05) after `warmup` untimed steps (MedFM's first
// few steps fill its buffer pool and let the JIT finish; PyTorch is steady after one), recording every
// loss. MedFM loads the same weights strictly through the preset and runs the same steps on the same batch (forward
// and backward through PooledStep, so their buffers are reused from step to step); the
// losses of both runs are printed side by side (the same start and the same updates: they must track each other).
// The two take turns for N rounds (a new peer process each round; MedFM goes on training the same model), so a slow
// minute on the machine falls on both; losses are compared on the first round, where both start from the same weights.
// Throughput in images/s from the medians over all rounds; ratio = MedFM images/s ÷ PyTorch images/s (> 1: MedFM
// faster), also printed per round.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
int threads = EngineInfo.Threads;
var (rounds, numbers) = Peers.RoundsAndPositional(args);
int steps = numbers.Length > 0 ? int.Parse(numbers[0]) : 8, batch = numbers.Length > 1 ? int.Parse(numbers[1]) : 16;
int warmup = numbers.Length > 2 ? int.Parse(numbers[2]) : 4;
string root = Peers.Root();
string dir = Directory.CreateTempSubdirectory("medfm-finetune-bench-").FullName;
Console.WriteLine($"ViT-Ti/16 fine-tune step, batch {batch} at 224², AdamW; {threads} thread(s), {rounds} rounds taking turns, each {steps} timed " +
                  $"steps after {warmup} warm-up steps (MedFM warms up once)");
System.Text.Json.JsonElement RunPeer() => Peers.Run(Path.Combine(root, "bench", "peers", "torch-tuned.sh"),
    [Path.Combine(root, "bench", "vit", "finetune_peer.py"), dir, threads.ToString(), steps.ToString(), batch.ToString(), warmup.ToString()], threads);
var torch = RunPeer();

var model = VitLoader.Load(VitPresets.VitTinyPatch16_224, Path.Combine(dir, "vit_tiny_seeded.safetensors"));
model.Train();
var imagesNpy = Npy.Read(Path.Combine(dir, "images.npy"));
var images = Tensor.Wrap(imagesNpy.ToFloat32(), imagesNpy.Shape);
var labels = Tensor.FromLongs(Npy.Read(Path.Combine(dir, "labels.npy")).ToInt64(), batch);
var parameters = model.Parameters().ToList();
var optimizer = new AdamW(parameters, lr: 1e-4, weightDecay: 0.05);
var pool = new MedFM.Tensors.Memory.BufferPool();  // forward and backward temporaries reused step after step
var lossFn = new CrossEntropyLoss();
var times = new List<double>();
var losses = new List<double>();
var torchTimes = torch.GetProperty("times_s").EnumerateArray().Select(e => e.GetDouble()).ToList();
double torchPeak = torch.GetProperty("peak_rss_bytes").GetDouble();
var perRound = new List<double>();
for (int round = 0; round < rounds; round++)
{
    if (round > 0)
    {
        var again = RunPeer();
        var more = again.GetProperty("times_s").EnumerateArray().Select(e => e.GetDouble()).ToList();
        torchTimes.AddRange(more);
        torchPeak = Math.Max(torchPeak, again.GetProperty("peak_rss_bytes").GetDouble());
    }
    var mine = new List<double>();
    for (int i = 0; i < (round == 0 ? warmup : 0) + steps; i++)
    {
        var clock = Stopwatch.StartNew();
        optimizer.ZeroGrad(setToNone: false);   // as the peer's opt.zero_grad() in torch 1.x: zeroed in place
        double loss = PooledStep.Backward(pool, () => lossFn.Forward(model.Forward(images), labels), parameters);
        optimizer.Step();
        if (round > 0 || i >= warmup) mine.Add(clock.Elapsed.TotalSeconds);
        if (round == 0) losses.Add(loss);
    }
    times.AddRange(mine);
    perRound.Add(Peers.Median(torchTimes.Skip(round * steps).Take(steps)) / Peers.Median(mine));
}
long ourPeak = Process.GetCurrentProcess().PeakWorkingSet64;
var theirLosses = torch.GetProperty("losses").EnumerateArray().Select(e => e.GetDouble()).ToArray();
Console.WriteLine($"{"step",6}{"MedFM loss",14}{"PyTorch loss",14}{"|Δ|",10}");
for (int i = 0; i < losses.Count; i++)
    Console.WriteLine($"{i,6}{losses[i],14:F6}{theirLosses[i],14:F6}{Math.Abs(losses[i] - theirLosses[i]),10:E2}");
Console.WriteLine($"step times (s): MedFM {string.Join(" ", times.Select(t => t.ToString("F3")))}; PyTorch {string.Join(" ", torchTimes.Select(t => t.ToString("F3")))}");
double ours = batch / Peers.Median(times), theirs = batch / Peers.Median(torchTimes);
Console.WriteLine($"{"",-22}{"MedFM",10}{"PyTorch",10}{"ratio",8}");
Console.WriteLine($"{"images/s",-22}{ours,10:F2}{theirs,10:F2}{ours / theirs,8:F2}   per round {string.Join(" ", perRound.Select(q => q.ToString("F2")))}");
Console.WriteLine($"{"peak RSS (GB)",-22}{ourPeak / 1e9,10:F2}{torchPeak / 1e9,10:F2}");
Console.WriteLine($"PyTorch {torch.GetProperty("torch").GetString()} tuned (OpenMP OpenBLAS + jemalloc), timm {torch.GetProperty("timm").GetString()}, " +
                  $"{torch.GetProperty("threads").GetInt32()} thread(s); ratio = MedFM images/s ÷ PyTorch images/s (> 1: MedFM faster)");
Directory.Delete(dir, recursive: true);
return 0;
