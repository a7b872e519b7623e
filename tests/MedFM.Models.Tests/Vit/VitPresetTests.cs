using System.Text.Json;
using MedFM.Models.Vit;
using MedFM.NN;
using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Models.Tests.Vit;

/// <summary>
/// Every full-size ViT preset against tools/vit/make_preset_keys.py's record of the reference models (timm, MAE,
/// RETFound_MAE, DINOv2, UNI): state-dict keys and shapes, the published checkpoints' keys through the preset's
/// adapter, and the reference eval transform.
/// </summary>
public class VitPresetTests
{
    private static readonly Lazy<JsonElement> Reference = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("vit/vit_presets.keys.json"))).RootElement);

    public static TheoryData<string> Presets => new(VitPresets.All.Keys);

    public static TheoryData<string> PresetsWithPublishedLayouts => new(
        VitPresets.All.Keys.Where(k => Reference.Value.GetProperty(k).TryGetProperty("checkpoint_keys", out _)));

    [Fact]
    public void EveryPresetHasAReferenceRecordAndViceVersa()
    {
        var recorded = Reference.Value.EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(recorded, VitPresets.All.Keys.Order().ToList());
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void StateDictKeysAndShapesEqualTheReferenceModel(string preset)
    {
        var reference = Keys(Reference.Value.GetProperty(preset).GetProperty("model_keys"));
        var mine = ModelKeys(VitPresets.Get(preset).Config);
        Assert.Equal(reference.Select(r => r.Key), mine.Select(m => m.Key));
        for (int i = 0; i < reference.Count; i++)
            Assert.True(reference[i].Shape.SequenceEqual(mine[i].Shape), $"{reference[i].Key}: ours {ShapeUtil.Format(mine[i].Shape)}, reference {ShapeUtil.Format(reference[i].Shape)}");
    }

    [Theory]
    [MemberData(nameof(PresetsWithPublishedLayouts))]
    public void PublishedCheckpointKeysAdaptExactlyOntoTheModel(string preset)
    {
        var p = VitPresets.Get(preset);
        var published = Keys(Reference.Value.GetProperty(preset).GetProperty("checkpoint_keys")).ToDictionary(k => k.Key, k => k.Shape);
        var model = ModelKeys(p.Config).ToDictionary(k => k.Key, k => k.Shape);
        var plan = VitCheckpointAdapter.Plan(p.Layout, published.Keys, p.Config);
        var covered = plan.Map.Values.Concat(plan.Initialised).Order().ToList();
        Assert.Equal(model.Keys.Order().ToList(), covered);
        foreach (var (from, to) in plan.Map)
            Assert.True(published[from].SequenceEqual(model[to]), $"{from} → {to}: {ShapeUtil.Format(published[from])} vs {ShapeUtil.Format(model[to])}");
        Assert.NotEmpty(plan.Dropped);
        Assert.All(plan.Dropped, d => Assert.Matches(@"^(decoder_|mask_token|norm\.)", d));
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void PreprocessingIsTheReferenceEvalTransform(string preset)
    {
        var t = Reference.Value.GetProperty(preset).GetProperty("transform");
        var p = VitPresets.Get(preset).Preprocessing;
        Assert.Equal(t.GetProperty("resize").GetInt32(), p.ResizeSize);
        Assert.Equal(t.GetProperty("interpolation").GetString(), p.Interpolation);
        var crop = t.GetProperty("crop");
        Assert.Equal(crop.ValueKind != JsonValueKind.Null, p.CenterCrop);
        if (p.CenterCrop) Assert.Equal(new[] { p.InputSize, p.InputSize }, crop.EnumerateArray().Select(e => e.GetInt32()));
        // timm hands mean/std to Normalize as float32 tensors: compare at float32.
        Assert.Equal(t.GetProperty("mean").EnumerateArray().Select(e => (float)e.GetDouble()), p.Mean.Select(v => (float)v));
        Assert.Equal(t.GetProperty("std").EnumerateArray().Select(e => (float)e.GetDouble()), p.Std.Select(v => (float)v));
    }

    [Fact]
    public void PresetsRoundTripThroughJson()
    {
        foreach (var p in VitPresets.All.Values)
        {
            var back = JsonSerializer.Deserialize<VitPreset>(JsonSerializer.Serialize(p))!;
            Assert.Equal(p.Config, back.Config);
            Assert.Equal(p.Preprocessing.Describe(), back.Preprocessing.Describe());
            Assert.Equal(p.Layout, back.Layout);
        }
    }

    [Fact]
    public void UnknownPresetIsRefusedWithTheKnownNames()
    {
        var ex = Assert.Throws<ModelConfigException>(() => VitPresets.Get("vit_huge_patch99"));
        Assert.Contains("retfound", ex.Message);
        Assert.Contains("uni", ex.Message);
    }

    internal static List<(string Key, int[] Shape)> Keys(JsonElement list) =>
        list.EnumerateArray().Select(e => (e[0].GetString()!, e[1].EnumerateArray().Select(x => x.GetInt32()).ToArray())).ToList();

    /// <summary>Keys and shapes without allocating full-size weights: the module tree is built on meta tensors.</summary>
    internal static List<(string Key, int[] Shape)> ModelKeys(VitConfig config)
    {
        using var meta = Tensor.MetaScope();
        return new VisionTransformer(config).StateDict().Select(kv => (kv.Key, kv.Value.ShapeArray())).ToList();
    }
}
