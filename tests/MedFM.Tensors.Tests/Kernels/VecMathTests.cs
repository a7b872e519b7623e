using System.Runtime.Intrinsics;
using MedFM.Tensors.Kernels;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>The vectorised float32 exp, erf, Φ and sigmoid against double-precision references.</summary>
public class VecMathTests
{
    /// <summary>Values printed by Python 3's math.erf and math.erfc (the oracle's own check).</summary>
    [Theory]
    [InlineData(0.001, 0.0011283787909692365, 0.9988716212090307)]
    [InlineData(0.3, 0.3286267594591274, 0.6713732405408726)]
    [InlineData(0.875, 0.7840750610598597, 0.21592493894014034)]
    [InlineData(2.0, 0.9953222650189527, 0.004677734981047265)]
    [InlineData(3.5, 0.9999992569016276, 7.430983723414128e-07)]
    [InlineData(5.0, 0.9999999999984626, 1.5374597944280351e-12)]
    public void OracleAgreesWithPython(double x, double erf, double erfc)
    {
        Assert.Equal(erf, ErfOracle.Erf(x), 1e-13);
        Assert.Equal(erfc, ErfOracle.Erfc(x), erfc * 1e-10);
        Assert.Equal(-erf, ErfOracle.Erf(-x), 1e-13);
    }

    [Fact]
    public void ExpIsWithinAboutOneUlpOverTheNormalRange()
    {
        double worst = 0;
        for (double x = -87.3; x <= 88.7; x += 0.0137)
        {
            double expected = Math.Exp((float)x);
            double got = VecMath.Exp((float)x);
            worst = Math.Max(worst, Math.Abs(got - expected) / expected);
        }
        Assert.True(worst < 1.5e-7, $"worst relative error {worst:G3}");
    }

    [Fact]
    public void SixteenLaneExpIsBitIdenticalToTheEightLaneOne()
    {
        if (!VecMath512.IsSupported) return;  // no AVX-512: the 8-lane path is the only one and is tested above
        var rng = new System.Random(5);
        var xs = new[]
        {
            0f, -0f, 1e-30f, -87.3f, -87.4f, -88f, -104f, 88.7f, 88.8f, 89f, float.NaN, float.PositiveInfinity, float.NegativeInfinity,
        }.Concat(Enumerable.Range(0, 4096).Select(i => (float)((rng.NextDouble() - 0.5) * 200))).ToArray();
        for (int i = 0; i + 16 <= xs.Length; i += 16)
        {
            var wideV = VecMath512.Exp(System.Runtime.Intrinsics.Vector512.Create<float>(xs.AsSpan(i, 16)));
            var wide = new float[16];
            wideV.CopyTo(wide);
            for (int l = 0; l < 16; l++)
            {
                float narrow = VecMath.Exp(xs[i + l]);
                Assert.True(BitConverter.SingleToInt32Bits(narrow) == BitConverter.SingleToInt32Bits(wide[l]) || (float.IsNaN(narrow) && float.IsNaN(wide[l])),
                    $"exp({xs[i + l]:R}): {wide[l]:R} (16 lanes) vs {narrow:R} (8 lanes)");
            }
        }
    }

    [Fact]
    public void SixteenLaneGeluIsBitIdenticalToTheEightLaneMap()
    {
        if (!VecMath512.IsSupported) return;  // no AVX-512: the 8-lane map is the only path
        var rng = new System.Random(6);
        var xs = new[] { 0f, -0f, 0.875f * 1.4142135f, -13f, -14f, -20f, 9.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-20f, -3e-39f }
            .Concat(Enumerable.Range(0, 8192).Select(i => (float)((rng.NextDouble() - 0.5) * (i % 2 == 0 ? 8 : 40))))
            .ToArray();
        var narrow = new float[xs.Length];
        VecMap.Run<Activations.Gelu>(xs, narrow);
        var wide = new float[16];
        for (int i = 0; i + 16 <= xs.Length; i += 16)
        {
            VecMath512.Gelu(Vector512.Create<float>(xs.AsSpan(i, 16))).CopyTo(wide);
            for (int l = 0; l < 16; l++)
                Assert.True(BitConverter.SingleToInt32Bits(narrow[i + l]) == BitConverter.SingleToInt32Bits(wide[l]) || (float.IsNaN(narrow[i + l]) && float.IsNaN(wide[l])),
                    $"gelu({xs[i + l]:R}): {wide[l]:R} (16 lanes) vs {narrow[i + l]:R} (8 lanes)");
        }
    }

    [Fact]
    public void SixteenLaneGeluBackwardIsBitIdenticalToTheEightLaneMap()
    {
        var rng = new System.Random(7);
        var xs = new[] { 0f, -0f, 0.875f * 1.4142135f, -13f, -14f, -20f, 9.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-20f, -3e-39f }
            .Concat(Enumerable.Range(0, 8195).Select(i => (float)((rng.NextDouble() - 0.5) * (i % 2 == 0 ? 8 : 40))))
            .ToArray();
        var gs = xs.Select((_, i) => (float)(rng.NextDouble() * 4 - 2) * (i % 97 == 0 ? 0f : 1f)).ToArray();
        var narrow = new float[xs.Length];
        VecMap.Run<Activations.GeluBackward>(xs, gs, narrow);
        var wide = new float[xs.Length];
        VecMath512.GeluBackwardSpan(xs, gs, wide);   // 16 lanes where the CPU has AVX-512, the 8-lane map for the tail
        for (int i = 0; i < xs.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(narrow[i]) == BitConverter.SingleToInt32Bits(wide[i]) || (float.IsNaN(narrow[i]) && float.IsNaN(wide[i])),
                $"gelu'({xs[i]:R})·{gs[i]:R}: {wide[i]:R} (wide) vs {narrow[i]:R} (8 lanes)");
        // Through autograd, large enough to run on the thread team: the same bits as the 8-lane map.
        const int n = 40_003;
        var big = Enumerable.Range(0, n).Select(i => xs[i % xs.Length]).Where(float.IsFinite).Take(n - 20).ToArray();
        var bigG = Enumerable.Range(0, big.Length).Select(i => gs[(i * 7) % gs.Length]).ToArray();
        Assert.True(big.Length >= VecMap.ParallelThreshold);
        var x = Tensor.Wrap(big, big.Length).RequireGrad();
        x.Gelu().Mul(Tensor.Wrap(bigG, big.Length)).Sum().Backward();
        var expected = new float[big.Length];
        VecMap.Run<Activations.GeluBackward>(big, bigG, expected);
        Assert.Equal(expected, x.Grad!.ToArray());
    }

    [Fact]
    public void ExpEdgeCases()
    {
        Assert.Equal(0f, VecMath.Exp(float.NegativeInfinity));
        Assert.Equal(0f, VecMath.Exp(-100f));
        Assert.Equal(float.PositiveInfinity, VecMath.Exp(float.PositiveInfinity));
        Assert.Equal(float.PositiveInfinity, VecMath.Exp(89f));
        Assert.True(float.IsNaN(VecMath.Exp(float.NaN)));
        Assert.Equal(1f, VecMath.Exp(0f));
        Assert.Equal(Math.Exp(88.7f), VecMath.Exp(88.7f), Math.Exp(88.7f) * 2e-7);
        Assert.Equal(Math.Exp(-87.3f), VecMath.Exp(-87.3f), Math.Exp(-87.3f) * 2e-7);
    }

    [Fact]
    public void ErfIsWithinAboutATenMillionthEverywhere()
    {
        double worst = 0, worstRelSmall = 0;
        for (double x = -6; x <= 6; x += 0.000731)
        {
            float xf = (float)x;
            double expected = ErfOracle.Erf(xf);
            double got = VecMath.Erf(xf);
            worst = Math.Max(worst, Math.Abs(got - expected));
            if (Math.Abs(xf) < 0.875 && xf != 0) worstRelSmall = Math.Max(worstRelSmall, Math.Abs(got - expected) / Math.Abs(expected));
        }
        Assert.True(worst < 1.2e-7, $"worst absolute error {worst:G3}");
        Assert.True(worstRelSmall < 2e-7, $"worst relative error near 0 {worstRelSmall:G3}");
    }

    [Fact]
    public void ErfKeepsRelativeAccuracyForTinyArguments()
    {
        foreach (float x in new[] { 1e-30f, 1e-10f, -3e-6f, 1e-3f })
            Assert.Equal(ErfOracle.Erf(x), VecMath.Erf(x), Math.Abs(ErfOracle.Erf(x)) * 3e-7);
        Assert.Equal(0f, VecMath.Erf(0f));
    }

    [Fact]
    public void ErfSpecialValues()
    {
        Assert.Equal(1f, VecMath.Erf(float.PositiveInfinity));
        Assert.Equal(-1f, VecMath.Erf(float.NegativeInfinity));
        Assert.Equal(1f, VecMath.Erf(10f));
        Assert.True(float.IsNaN(VecMath.Erf(float.NaN)));
    }

    [Theory]
    [InlineData(-3.0, 0.0013498980316300957)]
    [InlineData(-5.0, 2.866515718791946e-07)]
    [InlineData(-8.0, 6.220960574271819e-16)]
    [InlineData(-10.0, 7.619853024160593e-24)]
    public void NormalCdfIsRelativelyAccurateInTheLeftTail(double x, double expected)
    {
        // Values from Python: 0.5 * math.erfc(-x / sqrt(2)). 1 + erf(x/√2) would lose them all to cancellation.
        double got = VecMath.NormalCdf((float)x);
        Assert.True(Math.Abs(got - expected) <= 6e-7 * expected, $"Φ({x}) = {got:G9}, expected {expected:G9}");
    }

    [Fact]
    public void NormalCdfMatchesTheOracleOnAGrid()
    {
        double worst = 0;
        for (double x = -9; x <= 9; x += 0.00517)
        {
            float xf = (float)x;
            worst = Math.Max(worst, Math.Abs(VecMath.NormalCdf(xf) - ErfOracle.NormalCdf(xf)));
        }
        Assert.True(worst < 1e-7, $"worst absolute error {worst:G3}");
        Assert.Equal(0f, VecMath.NormalCdf(float.NegativeInfinity));
        Assert.Equal(1f, VecMath.NormalCdf(float.PositiveInfinity));
    }

    [Fact]
    public void NormalCdfKeepsRelativeAccuracyDownToMinus13()
    {
        double worst = 0;
        for (double x = -13; x <= -1; x += 0.00311)
        {
            float xf = (float)x;
            double expected = ErfOracle.NormalCdf(xf);
            worst = Math.Max(worst, Math.Abs(VecMath.NormalCdf(xf) - expected) / expected);
        }
        Assert.True(worst < 6e-7, $"worst relative error {worst:G3}");
    }

    [Fact]
    public void SigmoidMatchesDouble()
    {
        for (double x = -40; x <= 40; x += 0.0173)
        {
            double expected = 1 / (1 + Math.Exp(-(float)x));
            Assert.True(Math.Abs(VecMath.Sigmoid((float)x) - expected) <= 3e-7 * expected + 1e-30, $"sigmoid({x})");
        }
        Assert.Equal(0f, VecMath.Sigmoid(float.NegativeInfinity));
        Assert.Equal(1f, VecMath.Sigmoid(float.PositiveInfinity));
    }
}
