using System.Text.Json;
using MedFM.Models.Checkpoints;
using MedFM.Models.Vit;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Models.Tests.Zoo;

/// <summary>
/// Which presets a checkpoint fits, judged from keys and shapes alone, on the full-size key lists of the files the
/// reference code publishes (tools/vit/make_preset_keys.py); tensors are zero-stride views of one element, so no
/// full-size memory is needed.
/// </summary>
public class ModelZooTests
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("vit/vit_presets.keys.json"))).RootElement;

    [Theory]
    [InlineData("mae_vit_large_patch16", "checkpoint_keys", "mae_vit_large_patch16,retfound")]
    [InlineData("mae_vit_base_patch16", "checkpoint_keys", "mae_vit_base_patch16")]
    [InlineData("vit_base_patch14_dinov2", "checkpoint_keys", "vit_base_patch14_dinov2")]
    [InlineData("uni", "model_keys", "uni")]
    [InlineData("mae_vit_base_patch16_finetuned", "model_keys", "mae_vit_base_patch16_finetuned")]
    [InlineData("vit_large_patch16_224", "model_keys", "vit_large_patch16_224")]
    // A RETFound task fine-tune has the MAE-L fine-tune layout (fc_norm, task head); the encoder preset drops the head.
    [InlineData("mae_vit_large_patch16_finetuned", "model_keys", "mae_vit_large_patch16_finetuned,retfound")]
    public void PublishedLayoutsAreRecognisedByTheirPresets(string preset, string list, string expected)
    {
        var state = new StateDict(Reference.GetProperty(preset).GetProperty(list).EnumerateArray().Select(e =>
        {
            var shape = e[1].EnumerateArray().Select(x => x.GetInt32()).ToArray();
            return new CheckpointTensor(e[0].GetString()!, CheckpointDType.F32, shape, new long[shape.Length], 0, CheckpointStorage.FromBytes(new byte[4], "one"));
        }));
        Assert.Equal(expected.Split(','), ModelZoo.MatchingPresets(state));
    }

    [Fact]
    public void PresetFilesAreReadAndBadOnesRefusedByName()
    {
        var dir = Directory.CreateTempSubdirectory("medfm-zoo-").FullName;
        try
        {
            var good = Path.Combine(dir, "tiny.json");
            File.WriteAllText(good, JsonSerializer.Serialize(VitPresets.Uni with { Name = "tiny_uni", Config = VitPresets.Uni.Config with { Depth = 1, EmbedDim = 32, NumHeads = 2 } }));
            var opened = ModelZoo.Open(good, checkpoint: null);
            Assert.Equal("tiny_uni", opened.Encoder.Name);
            Assert.Equal(32, opened.Encoder.EmbedDim);
            var bad = Path.Combine(dir, "bad.json");
            File.WriteAllText(bad, "{\"Name\": \"x\", \"Config\": {\"EmbedDim\": 30, \"NumHeads\": 4}}");
            var ex = Assert.Throws<ModelConfigException>(() => ModelZoo.Open(bad, null));
            Assert.Contains("embed_dim 30", ex.Message);
            var broken = Path.Combine(dir, "broken.json");
            File.WriteAllText(broken, "{\"Name\": ");
            Assert.Contains("broken.json: not a valid preset file", Assert.Throws<ModelConfigException>(() => ModelZoo.Open(broken, null)).Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
