using MedFM.NN.Layers;
using MedFM.Tensors;
using MedFM.Tensors.Random;
using Xunit;

namespace MedFM.NN.Tests;

/// <summary>Initialisers: bounds, moments and fan computation as torch.nn.init (statistical checks on large tensors).</summary>
public class InitTests
{
    private static (double Mean, double Std, float Min, float Max) Stats(Tensor t)
    {
        var v = t.ToArray();
        double mean = v.Average(x => (double)x);
        double std = Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
        return (mean, std, v.Min(), v.Max());
    }

    [Fact]
    public void FansFollowTorch()
    {
        Assert.Equal((27L, 72L), Init.Fans(Tensor.Zeros(8, 3, 3, 3)));
        Assert.Equal((4L, 6L), Init.Fans(Tensor.Zeros(6, 4)));
        Assert.Throws<TensorShapeException>(() => Init.Fans(Tensor.Zeros(5)));
    }

    [Fact]
    public void GainsFollowTorch()
    {
        Assert.Equal(Math.Sqrt(2), Init.CalculateGain("relu"), 12);
        Assert.Equal(5.0 / 3, Init.CalculateGain("tanh"), 12);
        Assert.Equal(Math.Sqrt(2.0 / (1 + 5.0)), Init.CalculateGain("leaky_relu", Math.Sqrt(5)), 12);
        Assert.Equal(1.0, Init.CalculateGain("conv2d"), 12);
        Assert.Throws<ArgumentException>(() => Init.CalculateGain("softmax"));
    }

    [Fact]
    public void XavierUniformHasTheTorchBound()
    {
        var t = Init.XavierUniform_(Tensor.Zeros(300, 200), gen: new Generator(1));
        double bound = Math.Sqrt(6.0 / 500);
        var s = Stats(t);
        Assert.InRange(s.Min, -bound, -0.99 * bound);
        Assert.InRange(s.Max, 0.99 * bound, bound);
        Assert.Equal(bound / Math.Sqrt(3), s.Std, 2);
    }

    [Fact]
    public void KaimingNormalAndUniformMatchTheirStandardDeviation()
    {
        var n = Init.KaimingNormal_(Tensor.Zeros(256, 64, 3, 3), mode: "fan_out", nonlinearity: "relu", gen: new Generator(2));
        Assert.Equal(Math.Sqrt(2.0) / Math.Sqrt(256 * 9), Stats(n).Std, 3);
        var u = Init.KaimingUniform_(Tensor.Zeros(128, 576), a: Math.Sqrt(5), gen: new Generator(3));
        var s = Stats(u);
        Assert.InRange(s.Max, 0.99 / Math.Sqrt(576), 1 / Math.Sqrt(576));
    }

    [Fact]
    public void TruncNormalStaysInsideItsAbsoluteBounds()
    {
        // timm's bounds are absolute: the default ±2 leaves N(0, 0.02²) untouched, ±0.04 cuts it at 2σ.
        var wide = Stats(Init.TruncNormal_(Tensor.Zeros(200_000), std: 0.02, gen: new Generator(4)));
        Assert.Equal(0.02, wide.Std, 3);
        Assert.True(wide.Max > 0.06);
        var s = Stats(Init.TruncNormal_(Tensor.Zeros(200_000), std: 0.02, a: -0.04, b: 0.04, gen: new Generator(4)));
        Assert.InRange(s.Min, -0.04, 0);
        Assert.InRange(s.Max, 0, 0.04);
        Assert.Equal(0.02 * 0.8796, s.Std, 3);
        var narrow = Init.TruncNormal_(Tensor.Zeros(50_000), mean: 0, std: 1, a: -0.5, b: 0.5, gen: new Generator(5));
        var ns = Stats(narrow);
        Assert.True(ns.Min >= -0.5f && ns.Max <= 0.5f);
        // N(0,1) truncated to ±0.5: variance 1 − 2·0.5·φ(0.5)/(Φ(0.5) − Φ(−0.5)) = 0.08059, std 0.2839.
        Assert.InRange(ns.Std, 0.281, 0.287);
    }

    [Fact]
    public void SeededInitialisationIsReproducibleAndConstantsFill()
    {
        var a = Init.Normal_(Tensor.Zeros(10), 1, 2, new Generator(6)).ToArray();
        var b = Init.Normal_(Tensor.Zeros(10), 1, 2, new Generator(6)).ToArray();
        Assert.Equal(a, b);
        Assert.All(Init.Constant_(Tensor.Zeros(3, 2), 0.5).ToArray(), v => Assert.Equal(0.5f, v));
        Assert.All(Init.Ones_(Tensor.Zeros(3)).ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void InitialisingAParameterRecordsNoGraph()
    {
        var lin = new Linear(4, 3);
        Init.Zeros_(lin.Weight);
        Assert.True(lin.Weight.IsLeaf);
        Assert.True(lin.Weight.RequiresGrad);
        Assert.All(lin.Weight.ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(3, 8, 3, 1)]
    [InlineData(4, 6, 2, 2)]
    public void ConvDefaultInitIsUniformWithinOneOverRootFanIn(int cin, int cout, int k, int groups)
    {
        var conv = new Conv2d(cin, cout, k, groups: groups, init: new Generator(7));
        double bound = 1 / Math.Sqrt(cin / groups * k * k);
        Assert.All(conv.Weight.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.All(conv.Bias!.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.True(conv.Weight.ToArray().Max() > 0.5 * bound);
        var t = new ConvTranspose2d(cin, cout, k, groups: groups, init: new Generator(8));
        double tb = 1 / Math.Sqrt(cout / groups * k * k);
        Assert.All(t.Weight.ToArray(), v => Assert.InRange(v, -tb, tb));
    }

    [Fact]
    public void EmbeddingInitIsStandardNormalWithAZeroPaddingRow()
    {
        var e = new Embedding(1000, 16, paddingIdx: -1, init: new Generator(9));
        Assert.Equal(999, e.PaddingIdx);
        var w = e.Weight.ToArray();
        Assert.All(w[(999 * 16)..], v => Assert.Equal(0f, v));
        Assert.Equal(1.0, Stats(e.Weight).Std, 1);
    }
}
