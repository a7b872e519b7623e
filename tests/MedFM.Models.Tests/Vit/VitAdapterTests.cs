using MedFM.Models.Checkpoints;
using MedFM.Models.Tests.Support;
using MedFM.Models.Vit;
using MedFM.NN;
using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Models.Tests.Vit;

/// <summary>
/// Tiny checkpoints in their authors' published layouts (tools/vit/make_adapter_fixtures.py): an MAE pre-training file
/// (encoder, decoder and mask token under "model", beside epoch and args) and a DINOv2 state dict. After the preset's
/// adapter they load strictly and give the reference embeddings.
/// </summary>
public class VitAdapterTests
{
    private static readonly VitConfig Tiny = new() { ImgSize = 32, PatchSize = 8, EmbedDim = 24, Depth = 2, NumHeads = 2, MlpRatio = 2.0, NumClasses = 0 };

    private static VitPreset TinyLike(VitPreset preset, VitConfig config) => preset with { Config = config };

    private static readonly GoldenFixture Fx = new("vit", "vit_adapters");

    [Fact]
    public void MaePretrainingFileLoadsStrictlyIntoTheEncoderAndGivesMaesClassEmbedding()
    {
        var preset = TinyLike(VitPresets.MaeVitBasePatch16, Tiny);
        var result = VitLoader.LoadWithReport(preset, RepoPaths.Fixture("vit/mae_tiny_pretrain.pth"));
        Assert.Equal("model", result.StatePath);
        Assert.True(result.Report.IsComplete);
        Assert.Contains(result.Plan.Dropped, d => d.StartsWith("mask_token", StringComparison.Ordinal));
        Assert.Contains(result.Plan.Dropped, d => d.StartsWith("decoder_pred.weight", StringComparison.Ordinal));
        Assert.Empty(result.Plan.Initialised);
        using var _ = GradMode.Disable();
        GoldenFixture.AssertClose(Fx["mae_cls"], result.Model.Embed(Fx["input"]), "MAE class-token embedding");
    }

    [Fact]
    public void WithoutTheAdapterTheDecoderKeysAreRefusedByName()
    {
        var model = new VisionTransformer(Tiny);
        using var sd = CheckpointFile.LoadStateDict(RepoPaths.Fixture("vit/mae_tiny_pretrain.pth"));
        var timmLayout = VitPresets.VitBasePatch16_224 with { Config = Tiny };
        var ex = Assert.Throws<StateDictException>(() => VitLoader.LoadInto(model, timmLayout, sd));
        Assert.Contains("decoder_embed.weight", ex.Message);
        Assert.Contains("mask_token", ex.Message);
    }

    [Fact]
    public void RetFoundPretrainingFileGivesTheGlobalPoolEmbeddingOfItsReferenceCode()
    {
        var preset = TinyLike(VitPresets.RetFound, Tiny with { GlobalPool = "avg" });
        var result = VitLoader.LoadWithReport(preset, RepoPaths.Fixture("vit/mae_tiny_pretrain.pth"));
        Assert.Equal(new[] { "fc_norm.weight", "fc_norm.bias" }, result.Plan.Initialised);
        Assert.Contains(result.Plan.Dropped, d => d.StartsWith("norm.weight", StringComparison.Ordinal));
        using var _ = GradMode.Disable();
        GoldenFixture.AssertClose(Fx["retfound"], result.Model.Embed(Fx["input"]), "RETFound embedding");
    }

    [Fact]
    public void Dinov2FileLoadsStrictlyWithoutItsMaskTokenAndGivesTheClassToken()
    {
        var config = Tiny with { ImgSize = 28, PatchSize = 14, InitValues = 1e-5, DynamicImgSize = true };
        var result = VitLoader.LoadWithReport(TinyLike(VitPresets.VitSmallPatch14Dinov2, config), RepoPaths.Fixture("vit/dinov2_tiny.pth"));
        Assert.Equal(new[] { "mask_token (DINOv2 mask token)" }, result.Plan.Dropped);
        using var _ = GradMode.Disable();
        GoldenFixture.AssertClose(Fx["dinov2_cls"], result.Model.Embed(Fx["dinov2_input"]), "DINOv2 x_norm_clstoken");
    }

    [Fact]
    public void ACheckpointOfAnotherWidthIsRefusedWithPresetAndFileNamed()
    {
        var preset = TinyLike(VitPresets.MaeVitBasePatch16, Tiny with { EmbedDim = 32 });
        var ex = Assert.Throws<StateDictException>(() => VitLoader.Load(preset, RepoPaths.Fixture("vit/mae_tiny_pretrain.pth")));
        Assert.Contains("mae_vit_base_patch16", ex.Message);
        Assert.Contains("mae_tiny_pretrain.pth", ex.Message);
        Assert.Contains("pos_embed: checkpoint [1, 17, 24], model [1, 17, 32]", ex.Message);
    }

    [Fact]
    public void PlanStripsADataParallelPrefixAndRenamesDinov2SwiGluFreeMlpKeys()
    {
        var plan = VitCheckpointAdapter.Plan(VitCheckpointLayout.DinoV2,
            ["module.cls_token", "module.blocks.0.mlp.w12.weight", "module.blocks.0.mlp.w3.bias", "module.mask_token"], Tiny);
        Assert.Equal("cls_token", plan.Map["module.cls_token"]);
        Assert.Equal("blocks.0.mlp.fc1.weight", plan.Map["module.blocks.0.mlp.w12.weight"]);
        Assert.Equal("blocks.0.mlp.fc2.bias", plan.Map["module.blocks.0.mlp.w3.bias"]);
        Assert.Single(plan.Dropped);
        var mixed = VitCheckpointAdapter.Plan(VitCheckpointLayout.Timm, ["module.cls_token", "pos_embed"], Tiny);
        Assert.Equal(new[] { "module.cls_token", "pos_embed" }, mixed.Map.Values.Order());
    }

    [Fact]
    public void Dinov2RegisterTokensNeedAPresetThatHasThem()
    {
        var ex = Assert.Throws<ModelConfigException>(() => VitCheckpointAdapter.Plan(VitCheckpointLayout.DinoV2, ["cls_token", "register_tokens"], Tiny));
        Assert.Contains("register tokens", ex.Message);
    }
}
