using MedFM.Tensors.Kernels;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>Hand-worked tap tables of the interpolation modes, and the transposed table used by the gradients.</summary>
public class InterpolateWeightsTests
{
    [Fact]
    public void LegacyNearestFloorsDstTimesScale()
    {
        // in 3 → out 7: scale 3/7, src = floor(o·3/7) = 0 0 0 1 1 2 2.
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 2, 2 }, Sources(InterpolateWeights.Nearest(3, 7, null)));
        // out = 2·in takes the shortcut o >> 1.
        Assert.Equal(new[] { 0, 0, 1, 1, 2, 2 }, Sources(InterpolateWeights.Nearest(3, 6, null)));
        // a given scale factor 2.5 drives the coordinates: src = floor(o / 2.5).
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 2, 2 }, Sources(InterpolateWeights.Nearest(3, 7, 2.5)));
    }

    [Fact]
    public void NearestExactUsesPixelCentres()
    {
        // src = floor((o + 0.5)·3/7): 0.21 0.64 1.07 1.5 1.93 2.36 2.79.
        Assert.Equal(new[] { 0, 0, 1, 1, 1, 2, 2 }, Sources(InterpolateWeights.NearestExact(3, 7, null)));
    }

    [Fact]
    public void LinearAlignCornersHitsBothEnds()
    {
        // in 3 → out 5 with align_corners: src = o·(2/4) = 0, 0.5, 1, 1.5, 2.
        var t = InterpolateWeights.Linear(3, 5, alignCorners: true, null);
        AssertTaps(t, 0, (0, 1f), (1, 0f));
        AssertTaps(t, 1, (0, 0.5f), (1, 0.5f));
        AssertTaps(t, 3, (1, 0.5f), (2, 0.5f));
        AssertTaps(t, 4, (2, 1f), (2, 0f));
    }

    [Fact]
    public void LinearHalfPixelClampsAtBothBorders()
    {
        // in 2 → out 4: src = 0.5·(o + 0.5) − 0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25 (right tap clamped).
        var t = InterpolateWeights.Linear(2, 4, alignCorners: false, null);
        AssertTaps(t, 0, (0, 1f), (1, 0f));
        AssertTaps(t, 1, (0, 0.75f), (1, 0.25f));
        AssertTaps(t, 3, (1, 0.75f), (1, 0.25f));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.25f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void CubicCoefficientsSumToOneAndInterpolateAtZero(float t)
    {
        Span<float> c = stackalloc float[4];
        InterpolateWeights.CubicCoefficients(t, c);
        Assert.Equal(1.0, c[0] + c[1] + c[2] + c[3], 6);
        if (t == 0f) Assert.Equal(new[] { 0f, 1f, 0f, 0f }, c.ToArray());
        if (t == 0.5f)
        {
            // Keys' kernel with A = −0.75 at distances 1.5 and 0.5: −0.09375 and 0.59375.
            Assert.Equal(-0.09375f, c[0], 6);
            Assert.Equal(0.59375f, c[1], 6);
        }
    }

    [Fact]
    public void CubicClampsTapsAtTheBorder()
    {
        var t = InterpolateWeights.Cubic(4, 8, alignCorners: false, null);
        // o = 0: src = 0.5·0.5 − 0.5 = −0.25, floor −1: taps −2..1 clamp to 0, 0, 0, 1.
        Assert.Equal(new[] { 0, 0, 0, 1 }, t.Index.Slice(0, 4).ToArray());
    }

    [Fact]
    public void AntialiasedBilinearDownsampleByTwoIsPilsTriangle()
    {
        // in 4 → out 2: scale 2, support 2, centre 1 for output 0: inputs 0..2 at distances 0.5, 0.5, 1.5 (÷2)
        // → triangle weights 0.75, 0.75, 0.25, normalised to 3/7, 3/7, 1/7.
        var t = InterpolateWeights.Antialiased(4, 2, alignCorners: false, null, cubic: false);
        AssertTaps(t, 0, (0, 3f / 7), (1, 3f / 7), (2, 1f / 7));
        AssertTaps(t, 1, (1, 1f / 7), (2, 3f / 7), (3, 3f / 7));
    }

    [Fact]
    public void AntialiasedWeightsAreNormalised()
    {
        foreach (bool cubic in new[] { false, true })
        foreach (var (i, o) in new[] { (23, 5), (100, 7), (9, 31), (1024, 224) })
        {
            var t = InterpolateWeights.Antialiased(i, o, false, null, cubic);
            for (int k = 0; k < o; k++)
            {
                double s = 0;
                for (int j = 0; j < t.Count[k]; j++) s += t.Weight[k * t.MaxTaps + j];
                Assert.Equal(1.0, s, 5);
            }
        }
    }

    [Fact]
    public void TransposeIsTheAdjointMatrix()
    {
        var t = InterpolateWeights.Cubic(5, 9, alignCorners: false, null);
        var tt = t.Transpose();
        Assert.Equal(9, tt.InSize);
        Assert.Equal(5, tt.OutSize);
        var dense = Dense(t);
        var denseT = Dense(tt);
        for (int o = 0; o < 9; o++)
        for (int i = 0; i < 5; i++)
            Assert.Equal(dense[o, i], denseT[i, o], 6);
    }

    private static int[] Sources(InterpolateTaps t) => Enumerable.Range(0, t.OutSize).Select(o => t.Index[o * t.MaxTaps]).ToArray();

    private static void AssertTaps(InterpolateTaps t, int o, params (int Index, float Weight)[] expected)
    {
        Assert.Equal(expected.Length, t.Count[o]);
        for (int j = 0; j < expected.Length; j++)
        {
            Assert.Equal(expected[j].Index, t.Index[o * t.MaxTaps + j]);
            Assert.Equal(expected[j].Weight, t.Weight[o * t.MaxTaps + j], 6);
        }
    }

    private static double[,] Dense(InterpolateTaps t)
    {
        var m = new double[t.OutSize, t.InSize];
        for (int o = 0; o < t.OutSize; o++)
            for (int j = 0; j < t.Count[o]; j++) m[o, t.Index[o * t.MaxTaps + j]] += t.Weight[o * t.MaxTaps + j];
        return m;
    }
}
