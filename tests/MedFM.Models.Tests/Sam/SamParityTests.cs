using MedFM.Models.Sam;
using MedFM.Models.Tests.Support;
using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using Xunit;

namespace MedFM.Models.Tests.Sam;

/// <summary>A tiny SAM with seeded weights against the reference: encoder blocks, prompt encoder, decoder.</summary>
public class SamParityTests
{
    private static readonly Lazy<(SamModel Model, GoldenFixture Fixture)> Tiny = new(() => Build("sam"));

    internal static (SamModel Model, GoldenFixture Fixture) Build(string preprocessing)
    {
        var fx = new GoldenFixture("sam", "tiny_sam");
        var c = fx.Json.GetProperty("config");
        var config = new SamConfig
        {
            ImageSize = c.GetProperty("image_size").GetInt32(),
            PatchSize = c.GetProperty("patch_size").GetInt32(),
            EncoderEmbedDim = c.GetProperty("encoder_embed_dim").GetInt32(),
            EncoderDepth = c.GetProperty("encoder_depth").GetInt32(),
            EncoderNumHeads = c.GetProperty("encoder_num_heads").GetInt32(),
            GlobalAttnIndexes = c.GetProperty("global_attn_indexes").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            WindowSize = c.GetProperty("window_size").GetInt32(),
            PromptEmbedDim = c.GetProperty("prompt_embed_dim").GetInt32(),
            MaskInChans = c.GetProperty("mask_in_chans").GetInt32(),
            DecoderDepth = c.GetProperty("decoder_depth").GetInt32(),
            DecoderNumHeads = c.GetProperty("decoder_num_heads").GetInt32(),
            DecoderMlpDim = c.GetProperty("decoder_mlp_dim").GetInt32(),
            IouHeadHiddenDim = c.GetProperty("iou_head_hidden_dim").GetInt32(),
            Preprocessing = preprocessing,
        };
        var model = new SamModel(config);
        model.LoadStateDict(fx.Weights);
        model.Eval();
        return (model, fx);
    }

    [Fact]
    public void StateDictKeysAndShapesEqualTheReference()
    {
        var fx = new GoldenFixture("sam", "tiny_sam");
        var (model, _) = Tiny.Value;
        fx.AssertSameKeys(model.StateDict());
    }

    [Fact]
    public void ImageEncoderMatchesPerBlock()
    {
        var (model, fx) = Tiny.Value;
        using var _ = GradMode.Disable();
        var blocks = new List<Tensor>();
        var emb = model.ImageEncoder.Forward(fx["image"], (i, x) => blocks.Add(x));
        for (int i = 0; i < blocks.Count; i++) GoldenFixture.AssertClose(fx[$"block.{i}"], blocks[i], $"block {i}");
        GoldenFixture.AssertClose(fx["embedding"], emb, "embedding");
        GoldenFixture.AssertClose(fx["dense_pe"], model.PromptEncoder.GetDensePe(), "dense pe");
    }

    [Theory]
    [InlineData("points")]
    [InlineData("box")]
    [InlineData("points_box")]
    [InlineData("box_mask")]
    public void PromptEncoderAndDecoderMatch(string prompt)
    {
        var (model, fx) = Tiny.Value;
        using var _ = GradMode.Disable();
        var p = new SamPrompt(
            fx.Io.GetValueOrDefault($"{prompt}.coords"), fx.Io.GetValueOrDefault($"{prompt}.labels"),
            fx.Io.GetValueOrDefault($"{prompt}.box"), fx.Io.GetValueOrDefault($"{prompt}.mask"));
        var (sparse, dense) = model.PromptEncoder.Forward(p.PointCoords, p.PointLabels, p.Box, p.MaskInput);
        GoldenFixture.AssertClose(fx[$"{prompt}.sparse"], sparse, "sparse");
        GoldenFixture.AssertClose(fx[$"{prompt}.dense"], dense.Contiguous(), "dense");
        foreach (var multi in new[] { false, true })
        {
            var tag = multi ? "multi" : "single";
            var (logits, iou) = model.Decode(fx["embedding"], p, multi);
            GoldenFixture.AssertClose(fx[$"{prompt}.{tag}.logits"], logits, $"{tag} logits", relTol: 1e-3);
            GoldenFixture.AssertClose(fx[$"{prompt}.{tag}.iou"], iou, $"{tag} iou", relTol: 1e-3);
        }
    }
}
