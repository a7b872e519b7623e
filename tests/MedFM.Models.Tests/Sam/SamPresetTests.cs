using System.Text.Json;
using MedFM.Models.Checkpoints;
using MedFM.Models.Sam;
using MedFM.NN;
using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Models.Tests.Sam;

public class SamPresetTests
{
    [Theory]
    [InlineData("sam_vit_b")]
    [InlineData("sam_vit_l")]
    [InlineData("sam_vit_h")]
    public void FullSizePresetsHaveTheOfficialKeysAndShapes(string preset)
    {
        var reference = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("sam/sam_full_size.keys.json"))).RootElement.GetProperty(preset)
            .EnumerateArray().Select(e => (e[0].GetString()!, e[1].EnumerateArray().Select(x => x.GetInt32()).ToArray())).ToList();
        var mine = SamKeys(SamPresets.Get(preset));
        Assert.Equal(reference.Select(r => r.Item1), mine.Select(m => m.Key));
        for (int i = 0; i < reference.Count; i++)
            Assert.True(reference[i].Item2.SequenceEqual(mine[i].Shape), $"{reference[i].Item1}: {ShapeUtil.Format(mine[i].Shape)} vs {ShapeUtil.Format(reference[i].Item2)}");
    }

    [Fact]
    public void MedSamSharesSamVitBArchitectureWithItsOwnPreprocessing()
    {
        Assert.Equal(SamPresets.SamVitB with { Preprocessing = "medsam" }, SamPresets.MedSamVitB);
        Assert.Throws<ModelConfigException>(() => SamPresets.Get("sam_vit_x"));
    }

    [Fact]
    public void LoadsANestedPrefixedHalfPrecisionPthStrictly()
    {
        var fx = new Support.GoldenFixture("sam", "tiny_sam");
        var (reference, _) = SamParityTests.Build("sam");
        var model = SamLoader.Load(reference.Config, RepoPaths.Fixture("sam/tiny_sam_fp16.pth"));
        foreach (var (key, value) in model.StateDict())
        {
            var expected = fx.Weights[key].ToArray().Select(v => (float)(Half)v).ToArray();
            Assert.Equal(expected, value.ToArray());
        }
    }

    [Fact]
    public void ACheckpointOfAnotherSizeIsRefusedByName()
    {
        var ex = Assert.Throws<StateDictException>(() => SamLoader.Load(SamPresets.MedFmTiny, RepoPaths.Fixture("sam/tiny_sam_fp16.pth")));
        Assert.Contains("image_encoder.pos_embed", ex.Message);
    }

    /// <summary>Keys and shapes without allocating full-size weights: the module tree is built on meta tensors.</summary>
    private static List<(string Key, int[] Shape)> SamKeys(SamConfig config)
    {
        using var meta = Tensor.MetaScope();
        return new SamModel(config).StateDict().Select(kv => (kv.Key, kv.Value.ShapeArray())).ToList();
    }
}
