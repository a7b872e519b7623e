using System.Text.Json;
using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Safetensors;
using MedFM.Models.ResNet;
using MedFM.Models.Tests.Support;
using MedFM.NN;
using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.TestSupport;
using Xunit;
using ResNetModel = MedFM.Models.ResNet.ResNet;

namespace MedFM.Models.Tests.ResNets;

/// <summary>
/// torchvision's resnet18 / resnet50 run by torchvision on seeded weights (tools/resnet/make_fixtures.py; channel
/// counts divided so the files stay small): keys, per-stage outputs, pooled features and logits; full-size key sets
/// and eval transforms; loading a MoCo-style prefixed checkpoint.
/// </summary>
public class ResNetTests
{
    public static TheoryData<string> Narrow => new() { "resnet18_narrow", "resnet50_narrow" };

    internal static (ResNetModel Model, GoldenFixture Fixture) Build(string name)
    {
        var fx = new GoldenFixture("resnet", name);
        var preset = ResNetPresets.Get(fx.Json.GetProperty("arch").GetString()!);
        int d = fx.Json.GetProperty("width_divisor").GetInt32();
        var config = preset.Config with
        {
            StemWidth = preset.Config.StemWidth / d,
            Widths = preset.Config.Widths.Select(w => w / d).ToArray(),
            NumClasses = fx.Json.GetProperty("num_classes").GetInt32(),
        };
        var model = new ResNetModel(config);
        model.Eval();
        return (model, fx);
    }

    [Theory]
    [MemberData(nameof(Narrow))]
    public void StateDictKeysAndShapesEqualTorchvisions(string name)
    {
        var (model, fx) = Build(name);
        fx.AssertSameKeys(model.StateDict());
    }

    [Theory]
    [MemberData(nameof(Narrow))]
    public void OutputsMatchTorchvision(string name)
    {
        var (model, fx) = Build(name);
        model.LoadStateDict(fx.Weights);
        using var _ = GradMode.Disable();
        var stages = new List<Tensor>();
        var pooled = model.Embed(fx["input"], (_, x) => stages.Add(x));
        for (int s = 0; s < 4; s++) GoldenFixture.AssertClose(fx[$"layer{s + 1}"], stages[s], $"layer{s + 1}");
        GoldenFixture.AssertClose(fx["pooled"], pooled, "pooled");
        GoldenFixture.AssertClose(fx["logits"], model.Forward(fx["input"]), "logits");
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    public void FullSizePresetsHaveTorchvisionsKeysShapesAndTransform(string name)
    {
        var reference = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("resnet/resnet_presets.keys.json"))).RootElement.GetProperty(name);
        var preset = ResNetPresets.Get(name);
        List<(string, int[])> mine;
        using (Tensor.MetaScope())
            mine = new ResNetModel(preset.Config).StateDict().Select(kv => (kv.Key, kv.Value.ShapeArray())).ToList();
        var expected = reference.GetProperty("model_keys").EnumerateArray()
            .Select(e => (e[0].GetString()!, e[1].EnumerateArray().Select(x => x.GetInt32()).ToArray())).ToList();
        Assert.Equal(expected.Select(e => e.Item1), mine.Select(m => m.Item1));
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Item2.SequenceEqual(mine[i].Item2), $"{expected[i].Item1}: {ShapeUtil.Format(mine[i].Item2)} vs {ShapeUtil.Format(expected[i].Item2)}");
        var t = reference.GetProperty("transform");
        Assert.Equal(t.GetProperty("resize").GetInt32(), preset.Preprocessing.ResizeSize);
        Assert.Equal(t.GetProperty("crop").GetInt32(), preset.Preprocessing.InputSize);
        Assert.True(preset.Preprocessing.CenterCrop);
        Assert.Equal(t.GetProperty("interpolation").GetString(), preset.Preprocessing.Interpolation);
        Assert.Equal(t.GetProperty("mean").EnumerateArray().Select(e => e.GetDouble()), preset.Preprocessing.Mean);
        Assert.Equal(t.GetProperty("std").EnumerateArray().Select(e => e.GetDouble()), preset.Preprocessing.Std);
    }

    [Fact]
    public void MocoStylePrefixedCheckpointLoadsTheQueryEncoderWithoutItsHead()
    {
        var (reference, fx) = Build("resnet18_narrow");
        var tensors = new List<CheckpointTensor>();
        foreach (var (key, value) in fx.Weights)
        {
            tensors.Add(ToCheckpoint("module.encoder_q." + key, value));
            tensors.Add(ToCheckpoint("module.encoder_k." + key, value));
        }
        tensors.Add(CheckpointTensor.FromFloat32("module.queue", new float[8], 2, 4));
        var path = Path.Combine(Path.GetTempPath(), $"moco-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafetensorsFile.Write(path, tensors);
            var preset = new ResNetPreset("resnet18_narrow", reference.Config with { NumClasses = 0 }, ResNetPresets.ResNet18.Preprocessing, "test");
            var result = ResNetLoader.LoadWithReport(preset, path);
            Assert.Equal("module.encoder_q.", result.Prefix);
            Assert.True(result.Report.IsComplete);
            Assert.Contains(result.Dropped, d => d.StartsWith("module.encoder_q.fc.weight", StringComparison.Ordinal));
            Assert.Contains(result.Dropped, d => d.StartsWith("module.queue", StringComparison.Ordinal));
            using var _ = GradMode.Disable();
            GoldenFixture.AssertClose(fx["pooled"], result.Model.Forward(fx["input"]), "pooled features");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WrongWidthAndWrongChannelsAreRefusedByName()
    {
        var (model, fx) = Build("resnet18_narrow");
        var wide = new ResNetModel(model.Config with { StemWidth = 8 });
        var state = new StateDict(fx.Weights.Select(kv => ToCheckpoint(kv.Key, kv.Value)));
        var ex = Assert.Throws<StateDictException>(() => ResNetLoader.LoadInto(wide, "resnet18", state));
        Assert.Contains("conv1.weight: checkpoint [4, 3, 7, 7], model [8, 3, 7, 7]", ex.Message);
        var shape = Assert.Throws<TensorShapeException>(() => model.Forward(Tensor.Zeros(1, 1, 64, 64)));
        Assert.Contains("[1, 1, 64, 64]", shape.Message);
    }

    private static CheckpointTensor ToCheckpoint(string key, Tensor t) =>
        t.DType == DType.Int64 ? CheckpointTensor.FromInt64(key, t.ToLongArray(), t.ShapeArray()) : CheckpointTensor.FromFloat32(key, t.ToArray(), t.ShapeArray());
}
