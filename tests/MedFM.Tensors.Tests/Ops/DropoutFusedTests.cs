using MedFM.Tensors;
using MedFM.Tensors.Parallel;
using MedFM.Tensors.Random;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>Fused dropout: the same mask as the composed Bernoulli form, inverted scaling, its backward.</summary>
public class DropoutFusedTests
{
    [Fact]
    public void EqualsTheComposedFormOnTheSameStream()
    {
        var x = Tensor.Randn(new Generator(1), new[] { 3, 1001 });
        const float p = 0.3f;
        var y = x.Dropout(p, new Generator(7), training: true);
        var keep = Tensor.Bernoulli(new Generator(7), 1 - p, 3, 1001);
        var expected = x.Mul(keep.To(DType.Float32).Mul((float)(1.0 / (1 - p))));
        Assert.Equal(expected.ToArray(), y.ToArray());
    }

    [Fact]
    public void KeepsAboutOneMinusPAndAdvancesTheGenerator()
    {
        var gen = new Generator(3);
        var y = Tensor.Ones(200_000).Dropout(0.25f, gen, training: true).ToArray();
        Assert.Equal(200_000UL, gen.Offset);
        int kept = y.Count(v => v != 0);
        Assert.InRange(kept / 200_000.0, 0.75 - 0.005, 0.75 + 0.005);
        Assert.All(y, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75f) < 1e-6));
    }

    [Fact]
    public void BackwardPassesTheScaledMask()
    {
        var x = Tensor.Randn(new Generator(2), new[] { 4, 70 }).RequireGrad();
        var y = x.Dropout(0.5f, new Generator(9), training: true);
        var g = Tensor.Randn(new Generator(4), new[] { 4, 70 });
        y.Backward(g);
        var ya = y.ToArray();
        var xa = x.ToArray();
        var ga = g.ToArray();
        var dx = x.Grad!.ToArray();
        for (int i = 0; i < dx.Length; i++)
        {
            bool kept = ya[i] != 0 || xa[i] == 0;
            Assert.Equal(kept ? ga[i] * 2f : 0f, dx[i]);
        }
    }

    [Fact]
    public void IdentityOutsideTrainingOrWithZeroP()
    {
        var x = Tensor.Randn(new Generator(2), new[] { 5 });
        Assert.Same(x, x.Dropout(0.5f, new Generator(1), training: false));
        Assert.Same(x, x.Dropout(0f, new Generator(1), training: true));
        Assert.All(x.Dropout(1f, new Generator(1), training: true).ToArray(), v => Assert.Equal(0f, Math.Abs(v)));
    }

    [Fact]
    public void NaNSurvivesAsInTorch()
    {
        // torch: input · mask · scale, so a dropped NaN stays NaN.
        var y = Tensor.Full(float.NaN, 64).Dropout(0.5f, new Generator(5), training: true).ToArray();
        Assert.All(y, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void IndependentOfTheThreadCount()
    {
        var x = Tensor.Randn(new Generator(2), new[] { 100_003 });
        var saved = ThreadTeam.Default;
        try
        {
            using var one = new ThreadTeam(1);
            ThreadTeam.Default = one;
            var a = x.Dropout(0.1f, new Generator(11), true).ToArray();
            using var two = new ThreadTeam(2);
            ThreadTeam.Default = two;
            var b = x.Dropout(0.1f, new Generator(11), true).ToArray();
            Assert.Equal(a, b);
        }
        finally { ThreadTeam.Default = saved; }
    }

    [Fact]
    public void RejectsBadProbability()
    {
        Assert.Throws<TensorException>(() => Tensor.Ones(3).Dropout(1.5f, null, true));
        Assert.Throws<TensorException>(() => Tensor.Ones(3).Dropout(float.NaN, null, true));
    }
}
