using System.Text.Json;
using MedFM.Models.Clip;
using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Models.Tests.Clip;

public class ClipPresetTests
{
    [Theory]
    [InlineData("ViT-B-16")]
    [InlineData("ViT-B-32")]
    [InlineData("ViT-L-14")]
    [InlineData("biomedclip")]
    public void FullSizePresetsHaveTheReferenceKeysAndShapes(string preset)
    {
        var reference = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("clip/clip_full_size.keys.json"))).RootElement.GetProperty(preset)
            .EnumerateArray().Select(e => (e[0].GetString()!, e[1].EnumerateArray().Select(x => x.GetInt32()).ToArray())).ToList();
        var mine = Keys(ClipPresets.Get(preset));
        Assert.Equal(reference.Select(r => r.Item1), mine.Select(m => m.Key));
        for (int i = 0; i < reference.Count; i++)
            Assert.True(reference[i].Item2.SequenceEqual(mine[i].Shape), $"{reference[i].Item1}: {ShapeUtil.Format(mine[i].Shape)} vs {ShapeUtil.Format(reference[i].Item2)}");
    }

    [Theory]
    [InlineData("ViT-B-16")]
    [InlineData("ViT-B-32")]
    [InlineData("ViT-L-14")]
    public void QuickGeluVariantsDifferOnlyInTheActivation(string preset)
    {
        var plain = ClipPresets.Get(preset);
        var quick = ClipPresets.Get(preset + "-quickgelu");
        Assert.False(plain.QuickGelu);
        Assert.True(quick.QuickGelu);
        Assert.Equal(plain.Vision, quick.Vision);
        Assert.Equal(plain.Text, quick.Text);
        Assert.Equal(Keys(plain).Select(k => k.Key), Keys(quick).Select(k => k.Key));
    }

    [Fact]
    public void BiomedClipIsTimmVitB16WithPubMedBertAtContext256()
    {
        var c = ClipPresets.Get("biomedclip");
        Assert.Equal(512, c.EmbedDim);
        Assert.Equal("vit_base_patch16_224", c.Vision.TimmModelName);
        Assert.Equal(new MedFM.Models.Vit.VitConfig { NumClasses = 0 }, c.Vision.TimmVit);
        Assert.Equal(256, c.Text.ContextLength);
        Assert.Equal(BertConfig.PubMedBertBase, c.Text.Bert);
        Assert.Equal("cls_last_hidden_state_pooler", c.Text.HfPoolerType);
        Assert.True(c.UsesCustomTextKeys);
        Assert.Equal(ClipConfig.OpenAiMean, c.Mean);
        Assert.Equal(ClipConfig.OpenAiStd, c.Std);
    }

    [Fact]
    public void HubConfigWithLegacyTextKeysReadsAsTheBiomedClipPreset()
    {
        // BiomedCLIP's open_clip_config.json as first published: "proj" and "pooler_type" before open_clip's hf_ prefix.
        const string json = """
            {"model_cfg": {"embed_dim": 512,
               "vision_cfg": {"timm_model_name": "vit_base_patch16_224", "timm_model_pretrained": false, "timm_pool": "", "timm_proj": "linear", "image_size": 224},
               "text_cfg": {"hf_model_name": "microsoft/BiomedNLP-PubMedBERT-base-uncased-abstract", "hf_tokenizer_name": "microsoft/BiomedNLP-PubMedBERT-base-uncased-abstract",
                            "proj": "mlp", "pooler_type": "cls_last_hidden_state_pooler", "context_length": 256}},
             "preprocess_cfg": {"mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711]}}
            """;
        var legacy = ClipConfig.FromOpenClipJson(json, "biomedclip");
        var preset = ClipPresets.Get("biomedclip");
        Assert.Equal(preset.Vision, legacy.Vision);
        Assert.Equal(preset.Text with { HfModelName = null, HfTokenizerName = null }, legacy.Text with { HfModelName = null, HfTokenizerName = null });
        Assert.Equal(preset.EmbedDim, legacy.EmbedDim);
    }

    [Fact]
    public void TinyPresetsAreTheFixtureArchitectures()
    {
        foreach (var (preset, fixture) in new[] { ("medfm_clip_tiny", "clip_tiny_quickgelu"), ("medfm_biomedclip_tiny", "biomedclip_tiny") })
        {
            Assert.True(ClipPresets.IsTiny(preset));
            var fx = new Support.GoldenFixture("clip", fixture);
            using var meta = Tensor.MetaScope();
            fx.AssertSameKeys(new ClipModel(ClipPresets.Get(preset)).StateDict());
        }
        Assert.False(ClipPresets.IsTiny("biomedclip"));
    }

    [Fact]
    public void UnknownPresetIsRefusedWithTheKnownNames()
    {
        var e = Assert.Throws<ModelConfigException>(() => ClipPresets.Get("ViT-H-14"));
        Assert.Contains("ViT-B-16", e.Message);
    }

    /// <summary>Keys and shapes without allocating full-size weights: the module tree is built on meta tensors.</summary>
    private static List<(string Key, int[] Shape)> Keys(ClipConfig config)
    {
        using var meta = Tensor.MetaScope();
        return new ClipModel(config).StateDict().Select(kv => (kv.Key, kv.Value.ShapeArray())).ToList();
    }
}
