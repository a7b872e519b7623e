using System.Diagnostics;
using System.Text.Json;
using MedFM.BundledSam;
using MedFM.Models.Checkpoints;
using MedFM.Models.Loading;
using MedFM.Models.Sam;
using MedFM.Tensors.Random;
using MedFM.Training.Sam;

// Trains MedFM's bundled SAM-architecture model (preset medfm_sam_tiny) on axial slices of the Colin27 T1 MRI with
// atlas regions as box-prompted targets, evaluates it through the real predictor on held-out slices, and writes the
// weights (float16 safetensors), a JSON report and a sample slice with a box.
//   medfm-bundled-sam <mricron-data folder> <output folder> [steps] [seed] [lr] [neighbour share] [IoU loss weight]
// The shipped model is the default run: 1200 steps, seed 27, lr 1e-3, no neighbour-slice prompts, IoU head untrained.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: medfm-bundled-sam <folder with ch2.nii.gz, aal.nii.gz, aal.nii.txt> <output folder> [steps] [seed] [lr] [neighbours] [iou-loss]");
    return 2;
}
var inv = System.Globalization.CultureInfo.InvariantCulture;
string data = args[0], outDir = args[1];
int steps = args.Length > 2 ? int.Parse(args[2]) : 1200;
ulong seed = args.Length > 3 ? ulong.Parse(args[3]) : 27;
double lr = args.Length > 4 ? double.Parse(args[4], inv) : 1e-3;
double neighbours = args.Length > 5 ? double.Parse(args[5], inv) : 0;
double iouLoss = args.Length > 6 ? double.Parse(args[6], inv) : 0;
const int ImagesPerStep = 4, BoxesPerImage = 4, Jitter = 5;
Directory.CreateDirectory(outDir);

var all = ColinSlices.Load(Path.Combine(data, "ch2.nii.gz"), Path.Combine(data, "aal.nii.gz"), Path.Combine(data, "aal.nii.txt"));
// Held out: slabs of 10 slices, one in five (k / 10 mod 5 = 2), so test slices are at least a few mm from training ones.
static bool HeldOut(int k) => k / 10 % 5 == 2;
var train = all.Where(s => !HeldOut(s.K)).ToList();
var test = all.Where(s => HeldOut(s.K)).ToList();
Console.WriteLine($"{all.Count} slices with atlas regions: {train.Count} for training, {test.Count} held out; " +
                  $"{train.Sum(s => s.Objects.Count)} / {test.Sum(s => s.Objects.Count)} objects");

var config = SamPresets.MedFmTiny;
Generator.ManualSeed(seed);
var model = new SamModel(config);
var tuner = new SamFineTuner(model, new SamFineTuneOptions { Lr = lr, WeightDecay = 0.01, WarmupSteps = Math.Min(100, steps / 10), TotalSteps = steps, IouLossWeight = iouLoss });
var trainingData = new TrainingData(train, config) { NeighbourShare = neighbours };
var rng = new Random((int)seed);
var clock = Stopwatch.StartNew();
var losses = new List<float>();
for (int step = 1; step <= steps; step++)
{
    losses.Add(tuner.Step(trainingData.Sample(rng, ImagesPerStep, BoxesPerImage, Jitter)));
    if (step % 50 == 0 || step == steps)
        Console.WriteLine($"step {step,5}  loss {losses.Skip(losses.Count - 50).Average():F4}  {clock.Elapsed.TotalSeconds / step:F2} s/step");
}
double trainSeconds = clock.Elapsed.TotalSeconds;

string weights = Path.Combine(outDir, "medfm_sam_tiny.safetensors");
ModuleSafetensors.Save(model, weights, CheckpointDType.F16, new Dictionary<string, string> { ["preset"] = "medfm_sam_tiny" });
var eval = HeldOutEvaluation.Run(SamLoader.Load(config, weights), test);
Console.WriteLine(eval.Summary());

var report = new
{
    preset = "medfm_sam_tiny",
    data = "Colin27 T1 (ch2.nii.gz) with AAL atlas regions (aal.nii.gz), axial slices reoriented to LPS",
    objects = $"every AAL region covering >= {ColinSlices.MinArea} pixels of a slice, plus the whole labelled brain",
    split = "held out: slices k with floor(k / 10) mod 5 == 2",
    train_slices = train.Count, test_slices = test.Count,
    steps, images_per_step = ImagesPerStep, boxes_per_image = BoxesPerImage, box_jitter_px = Jitter, seed,
    optimizer = $"AdamW lr {lr} (cosine, {Math.Min(100, steps / 10)} warm-up steps), weight decay 0.01, grad clip 1.0; prompt encoder frozen",
    neighbour_share = neighbours, iou_loss_weight = iouLoss,
    loss = "Dice (sigmoid, squared prediction) + BCE on logits upsampled to 256x256 (+ iou_loss_weight x MSE of the IoU head)",
    train_seconds = Math.Round(trainSeconds), final_loss = Math.Round(losses.Skip(Math.Max(0, losses.Count - 100)).Average(), 4),
    parameters = model.ParameterCount(),
    held_out = eval.ToJson(),
};
File.WriteAllText(Path.Combine(outDir, "medfm_sam_tiny.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
HeldOutEvaluation.WriteSample(test, outDir);
return 0;
