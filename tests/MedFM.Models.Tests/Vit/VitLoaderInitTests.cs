using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Safetensors;
using MedFM.Models.Vit;
using MedFM.Tensors;
using Xunit;

namespace MedFM.Models.Tests.Vit;

/// <summary>
/// A strict load builds the model without drawing its initial weights (every parameter is overwritten); a non-strict
/// one draws them, since the keys the file lacks keep their initial values.
/// </summary>
public class VitLoaderInitTests
{
    private static readonly VitPreset Tiny = VitPresets.VitTinyPatch16_224 with
    {
        Config = new VitConfig { ImgSize = 32, PatchSize = 8, EmbedDim = 24, Depth = 2, NumHeads = 2, MlpRatio = 2.0, NumClasses = 5 },
    };

    [Fact]
    public void StrictLoadGivesEveryParameterFromTheFileAndNonStrictKeepsDrawnInitialValues()
    {
        var source = new VisionTransformer(Tiny.Config);
        var state = source.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Contiguous().ToArray());
        string dir = Directory.CreateTempSubdirectory("medfm-vit-init").FullName;
        try
        {
            string full = Path.Combine(dir, "full.safetensors"), partial = Path.Combine(dir, "partial.safetensors");
            var shapes = source.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ShapeArray());
            SafetensorsFile.Write(full, state.Select(kv => CheckpointTensor.FromFloat32(kv.Key, kv.Value, shapes[kv.Key])));
            SafetensorsFile.Write(partial, state.Where(kv => kv.Key != "head.weight")
                .Select(kv => CheckpointTensor.FromFloat32(kv.Key, kv.Value, shapes[kv.Key])));

            var strict = VitLoader.Load(Tiny, full);
            foreach (var (key, value) in strict.StateDict()) Assert.Equal(state[key], value.Contiguous().ToArray());

            var loose = VitLoader.LoadWithReport(Tiny, partial, strict: false);
            Assert.Contains("head.weight", loose.Report.Missing);
            var head = loose.Model.StateDict().First(kv => kv.Key == "head.weight").Value.ToArray();
            Assert.Contains(head, v => v != 0f);                     // drawn, not the zeros of a skipped initialisation
            Assert.All(head, v => Assert.InRange(MathF.Abs(v), 0f, 1f));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
