using MedFM.Models.Tests.Support;
using MedFM.Models.Vit;
using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using Xunit;

namespace MedFM.Models.Tests.Vit;

/// <summary>Tiny timm ViTs with seeded weights: keys, per-block outputs, tokens, pooled features and logits.</summary>
public class VisionTransformerParityTests
{
    public static TheoryData<string> Cases => new()
    {
        "vit_token", "vit_avg_fcnorm", "vit_registers", "vit_layerscale_noembedclass", "vit_dynamic_size", "vit_no_head",
    };

    private static (VisionTransformer Model, GoldenFixture Fixture) Load(string name)
    {
        var fx = new GoldenFixture("vit", name);
        var model = new VisionTransformer(VitConfig.FromTimmKwargs(fx.Json.GetProperty("timm_kwargs")));
        model.Eval();
        return (model, fx);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StateDictKeysAndShapesEqualTimms(string name)
    {
        var (model, fx) = Load(name);
        fx.AssertSameKeys(model.StateDict());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OutputsMatchTimm(string name)
    {
        var (model, fx) = Load(name);
        model.LoadStateDict(fx.Weights);
        using var _ = GradMode.Disable();
        var blocks = new List<Tensor>();
        var tokens = model.ForwardFeatures(fx["input"], (i, x) => blocks.Add(x));
        for (int i = 0; i < blocks.Count; i++) GoldenFixture.AssertClose(fx[$"block.{i}"], blocks[i], $"block {i}");
        GoldenFixture.AssertClose(fx["tokens"], tokens, "tokens");
        GoldenFixture.AssertClose(fx["pooled"], model.ForwardHead(tokens, preLogits: true), "pooled");
        GoldenFixture.AssertClose(fx["logits"], model.ForwardHead(tokens), "logits");
    }

    [Fact]
    public void WrongGridWithoutDynamicSizeIsRefused()
    {
        var (model, fx) = Load("vit_token");
        var ex = Assert.Throws<TensorShapeException>(() => model.Forward(Tensor.Zeros(1, 3, 48, 32)));
        Assert.Contains("6x4", ex.Message);
    }

    [Fact]
    public void WrongChannelCountIsRefused()
    {
        var (model, _) = Load("vit_token");
        var ex = Assert.Throws<TensorShapeException>(() => model.Forward(Tensor.Zeros(1, 1, 32, 32)));
        Assert.Contains("[1, 1, 32, 32]", ex.Message);
    }
}
