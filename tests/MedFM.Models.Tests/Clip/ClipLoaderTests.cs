using MedFM.Models.Clip;
using MedFM.NN;
using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Models.Tests.Clip;

public class ClipLoaderTests
{
    [Fact]
    public void LoadsAnOpenClipTrainingCheckpointStrictly()
    {
        var c = new ClipFixtureCase("clip_tiny_quickgelu");
        var model = ClipLoader.Load(ClipPresets.Get("medfm_clip_tiny"), RepoPaths.Fixture("clip/clip_tiny_quickgelu_openclip.pt"), out var report);
        Assert.True(report.IsComplete);
        foreach (var (key, value) in model.StateDict())
            Assert.Equal(c.Model.StateDict().First(kv => kv.Key == key).Value.ToArray(), value.ToArray());
        Assert.False(model.Training);
        GoldenFixture(c, model);
    }

    private static void GoldenFixture(ClipFixtureCase c, ClipModel model) =>
        Support.GoldenFixture.AssertClose(c.Fixture["image_emb"], model.EncodeImage(c.Fixture["images"]), "loaded model image embedding");

    [Fact]
    public void AdaptsOpenAiAndCustomTextLayouts()
    {
        var custom = ClipPresets.Get("medfm_clip_tiny") with { CustomText = true };
        var state = new Dictionary<string, Tensor>
        {
            ["module.positional_embedding"] = Tensor.Zeros(77, 32),
            ["token_embedding.weight"] = Tensor.Zeros(4, 32),
            ["transformer.resblocks.0.ln_1.weight"] = Tensor.Zeros(32),
            ["visual.transformer.resblocks.0.ln_1.weight"] = Tensor.Zeros(32),
            ["input_resolution"] = Tensor.FromLongs([224L]).Reshape(),
            ["logit_scale"] = Tensor.Zeros(1),
            ["text.transformer.embeddings.position_ids"] = Tensor.Zeros(1, 4),
        };
        var adapted = ClipLoader.Adapt(state, custom);
        Assert.Equal(new[] { "text.positional_embedding", "text.token_embedding.weight", "text.transformer.resblocks.0.ln_1.weight",
            "visual.transformer.resblocks.0.ln_1.weight", "logit_scale" }.Order(), adapted.Keys.Order());
        Assert.Equal(0, adapted["logit_scale"].Rank);
        var flat = ClipLoader.Adapt(state, ClipPresets.Get("medfm_clip_tiny"));
        Assert.Contains("transformer.resblocks.0.ln_1.weight", flat.Keys);
    }

    [Fact]
    public void ACheckpointWithTowersOfAnotherWidthIsRefusedByName()
    {
        var wider = ClipPresets.Get("medfm_clip_tiny") with { EmbedDim = 24 };
        var e = Assert.Throws<StateDictException>(() => ClipLoader.Load(wider, RepoPaths.Fixture("clip/clip_tiny_quickgelu_openclip.pt")));
        Assert.Contains("visual.proj", e.Message);
        Assert.Contains("text_projection", e.Message);
        Assert.Contains("clip_tiny_quickgelu_openclip.pt", e.Message);
    }

    [Fact]
    public void AnImageTextCheckpointOfTheOtherFamilyIsRefused()
    {
        var e = Assert.Throws<StateDictException>(() => ClipLoader.Load(ClipPresets.Get("medfm_biomedclip_tiny"), RepoPaths.Fixture("clip/clip_tiny_quickgelu_openclip.pt")));
        Assert.Contains("visual.trunk", e.Message);
    }
}
