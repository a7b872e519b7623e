using MedFM.Tensors;
using MedFM.Tensors.Random;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>Fused LayerNorm and LayerNorm2d against composed references and double-precision statistics.</summary>
public class LayerNormFusedTests
{
    private static Tensor R(ulong seed, int[] shape, float mean = 0f, float std = 1f) => Tensor.Randn(new Generator(seed), shape, mean, std);

    public static TheoryData<int[], int[], bool> Cases => new()
    {
        { new[] { 4, 5 }, new[] { 5 }, true },
        { new[] { 2, 3, 768 }, new[] { 768 }, true },   // ViT width
        { new[] { 65, 37 }, new[] { 37 }, true },       // tails in both Welford sets and the scalar loop
        { new[] { 3, 4, 6 }, new[] { 4, 6 }, true },    // two normalized dimensions
        { new[] { 7, 13 }, new[] { 13 }, false },       // no affine part
        { new[] { 300, 256 }, new[] { 256 }, true },    // parallel rows, several backward groups
        { new[] { 3 }, new[] { 3 }, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesComposedInValueAndGradient(int[] shape, int[] normalized, bool affine)
    {
        var x = R(1, shape, 0.5f, 2f).RequireGrad();
        var w = affine ? R(2, normalized).RequireGrad() : null;
        var b = affine ? R(3, normalized).RequireGrad() : null;
        var (xr, wr, br) = (x.Detach().Clone().RequireGrad(), w?.Detach().Clone().RequireGrad(), b?.Detach().Clone().RequireGrad());
        var y = Tensor.LayerNorm(x, normalized, w, b, 1e-5f);
        var yr = Tensor.LayerNormComposed(xr, normalized.Length, wr, br, 1e-5f);
        TensorAssert.Close(yr.ToArray(), y, 2e-5, 2e-5);
        var g = R(4, shape);
        y.Mul(g).Sum().Backward();
        yr.Mul(g).Sum().Backward();
        TensorAssert.Close(xr.Grad!.ToArray(), x.Grad!, 5e-5, 5e-4);
        if (!affine) return;
        TensorAssert.Close(wr!.Grad!.ToArray(), w!.Grad!, 2e-4, 2e-4);
        TensorAssert.Close(br!.Grad!.ToArray(), b!.Grad!, 2e-4, 2e-4);
    }

    /// <summary>Rows with a mean of 10⁴ and unit spread: one-pass sums of squares would lose the variance.</summary>
    [Fact]
    public void WelfordStatisticsStayAccurateFarFromZero()
    {
        var x = R(5, new[] { 6, 301 }, 1e4f, 1f);
        var y = Tensor.LayerNorm(x, new[] { 301 }, eps: 0f).ToArray();
        var xs = x.ToArray();
        for (int r = 0; r < 6; r++)
        {
            double mean = 0, m2 = 0;
            for (int i = 0; i < 301; i++) mean += xs[r * 301 + i];
            mean /= 301;
            for (int i = 0; i < 301; i++) m2 += Math.Pow(xs[r * 301 + i] - mean, 2);
            double rstd = 1 / Math.Sqrt(m2 / 301);
            for (int i = 0; i < 301; i++)
                Assert.Equal((xs[r * 301 + i] - mean) * rstd, y[r * 301 + i], 2e-3);
        }
    }

    [Fact]
    public void ConstantRowsGiveBias()
    {
        var y = Tensor.LayerNorm(Tensor.Full(3f, 2, 10), new[] { 10 }, Tensor.Ones(10), Tensor.Full(0.25f, 10));
        Assert.All(y.ToArray(), v => Assert.Equal(0.25f, v));
    }

    [Fact]
    public void RejectsMismatchedShapes()
    {
        Assert.Throws<TensorShapeException>(() => Tensor.LayerNorm(Tensor.Zeros(2, 3), new[] { 4 }));
        Assert.Throws<TensorShapeException>(() => Tensor.LayerNorm(Tensor.Zeros(2, 3), new[] { 3 }, Tensor.Ones(2)));
        Assert.Throws<TensorShapeException>(() => Tensor.LayerNorm2d(Tensor.Zeros(2, 3, 4), null, null));
        Assert.Throws<TensorShapeException>(() => Tensor.LayerNorm2d(Tensor.Zeros(1, 3, 2, 2), Tensor.Ones(4), null));
    }

    /// <summary>SAM's LayerNorm2d written out as segment_anything/modeling/common.py does.</summary>
    private static Tensor LayerNorm2dComposed(Tensor x, Tensor w, Tensor b, float eps)
    {
        int c = x.Size(1);
        var u = x.Mean(1, keepDim: true);
        var s = x.Sub(u).Square().Mean(1, keepDim: true);
        var y = x.Sub(u).Div(s.Add(eps).Sqrt());
        return y.Mul(w.Reshape(1, c, 1, 1)).Add(b.Reshape(1, c, 1, 1));
    }

    public static TheoryData<int[]> Shapes2d => new()
    {
        new[] { 1, 3, 2, 2 },
        new[] { 2, 8, 5, 7 },        // inner 35: vector + tail
        new[] { 2, 16, 17, 19 },     // inner 323: two chunks of columns
        new[] { 1, 256, 16, 16 },    // SAM neck channels, parallel
        new[] { 3, 1, 4, 4 },        // one channel: x − u = 0
    };

    [Theory]
    [MemberData(nameof(Shapes2d))]
    public void LayerNorm2dMatchesSamFormula(int[] shape)
    {
        int c = shape[1];
        var x = R(6, shape, -1f, 3f).RequireGrad();
        var w = R(7, new[] { c }).RequireGrad();
        var b = R(8, new[] { c }).RequireGrad();
        var (xr, wr, br) = (x.Detach().Clone().RequireGrad(), w.Detach().Clone().RequireGrad(), b.Detach().Clone().RequireGrad());
        var y = Tensor.LayerNorm2d(x, w, b, 1e-6f);
        var yr = LayerNorm2dComposed(xr, wr, br, 1e-6f);
        TensorAssert.Close(yr.ToArray(), y, 3e-5, 3e-5);
        var g = R(9, shape);
        y.Mul(g).Sum().Backward();
        yr.Mul(g).Sum().Backward();
        TensorAssert.Close(xr.Grad!.ToArray(), x.Grad!, 2e-4, 5e-4);
        TensorAssert.Close(wr.Grad!.ToArray(), w.Grad!, 5e-4, 2e-4);
        TensorAssert.Close(br.Grad!.ToArray(), b.Grad!, 5e-4, 2e-4);
    }

    [Fact]
    public void LayerNorm2dWithoutAffineEqualsLayerNormOverChannelsLast()
    {
        var x = R(10, new[] { 2, 12, 3, 5 });
        var y = Tensor.LayerNorm2d(x, null, null, 1e-6f);
        var yLast = Tensor.LayerNorm(x.Permute(0, 2, 3, 1), new[] { 12 }, eps: 1e-6f).Permute(0, 3, 1, 2);
        TensorAssert.Close(yLast.ToArray(), y, 1e-5, 1e-5);
    }
}
