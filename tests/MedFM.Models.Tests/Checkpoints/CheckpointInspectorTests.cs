using System.Text.Json;
using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Safetensors;
using MedFM.TestSupport;
using Xunit;
using static MedFM.Models.Tests.Checkpoints.ExpectedTensors;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>`medfm inspect`'s library side: listing, counting and recognising families from reference key sets.</summary>
public class CheckpointInspectorTests
{
    private static string[] FamilyKeys(string family)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Fixture("checkpoints/family_keys.json")));
        return doc.RootElement.GetProperty(family).EnumerateArray().Select(k => k.GetString()!).ToArray();
    }

    [Theory]
    [InlineData("Sam", CheckpointFamily.Sam)]
    [InlineData("Mae", CheckpointFamily.Mae)]
    [InlineData("TimmVit", CheckpointFamily.TimmVit)]
    [InlineData("DinoV2", CheckpointFamily.DinoV2)]
    [InlineData("OpenAiClip", CheckpointFamily.OpenAiClip)]
    [InlineData("OpenAiClipResNet", CheckpointFamily.OpenAiClip)]
    [InlineData("TorchvisionResNet", CheckpointFamily.TorchvisionResNet)]
    public void Family_FromKeysOfTheReferenceModels(string keySet, CheckpointFamily expected)
    {
        var keys = FamilyKeys(keySet);
        Assert.Equal((expected, ""), CheckpointInspector.DetectFamily(keys));
        // DataParallel and DINO wrappers prefix every key.
        Assert.Equal((expected, "module."), CheckpointInspector.DetectFamily(keys.Select(k => "module." + k).ToArray()));
    }

    [Fact]
    public void Family_BiomedClip()
    {
        // open_clip CustomTextCLIP with an HFTextEncoder (hf_model.py: self.transformer = AutoModel) and a TimmModel trunk.
        string[] keys = ["visual.trunk.patch_embed.proj.weight", "visual.head.proj.weight", "text.transformer.embeddings.word_embeddings.weight",
            "text.transformer.encoder.layer.0.attention.self.query.weight", "text.proj.0.weight", "logit_scale"];
        Assert.Equal(CheckpointFamily.OpenClipHfText, CheckpointInspector.DetectFamily(keys).Family);
    }

    [Theory]
    [InlineData("vit_no_head")]
    [InlineData("vit_registers")]
    [InlineData("vit_layerscale_noembedclass")] // LayerScale without DINOv2's mask_token stays timm
    public void Family_OfRealTimmViTWeights(string fixture)
    {
        using var sd = SafetensorsFile.Read(RepoPaths.Fixture($"vit/{fixture}.safetensors"));
        var keys = sd.Keys.Where(k => k.StartsWith("w.", StringComparison.Ordinal)).Select(k => k[2..]).ToArray();
        Assert.Equal(CheckpointFamily.TimmVit, CheckpointInspector.DetectFamily(keys).Family);
    }

    [Fact]
    public void Describe_APth_ListsTheStateDictAndCountsParameters()
    {
        const string file = "nested_model_zip.pth";
        var d = CheckpointInspector.Describe(FixturePath(file));
        Assert.Equal(CheckpointFormat.TorchZip, d.Format);
        Assert.Equal("model", d.StatePath);
        Assert.Equal(Keys(file), d.Entries.Select(e => e.Key));
        var tensors = Of(file).GetProperty("tensors");
        long floats = 0, all = 0;
        foreach (var e in d.Entries)
        {
            var x = tensors.GetProperty(e.Key);
            Assert.Equal(Ints(x.GetProperty("shape")), e.Shape.Select(s => (long)s));
            Assert.Equal(x.GetProperty("dtype").GetString(), e.DType.SafetensorsName());
            long n = Ints(x.GetProperty("shape")).Aggregate(1L, (a, b) => a * b);
            all += n;
            if (x.GetProperty("dtype").GetString()!.StartsWith('F')) floats += n;
        }
        Assert.Equal(floats, d.ParameterCount);
        Assert.Equal(all, d.TotalElements);
        Assert.Equal(all - 1, d.ParameterCount); // num_batches_tracked is the one int64 element
        Assert.Equal(CheckpointFamily.Unknown, d.Family);
    }

    [Fact]
    public void Describe_ASafetensorsFile()
    {
        var d = CheckpointInspector.Describe(FixturePath("all_dtypes.safetensors"));
        Assert.Equal(CheckpointFormat.Safetensors, d.Format);
        Assert.Equal(Keys("all_dtypes.safetensors"), d.Entries.Select(e => e.Key));
    }
}
