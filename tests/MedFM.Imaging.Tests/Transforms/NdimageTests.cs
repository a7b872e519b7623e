using MedFM.Imaging.Transforms;
using Xunit;

namespace MedFM.Imaging.Tests.Transforms;

/// <summary>Hand-worked cases and properties of the scipy.ndimage pieces behind <see cref="SkimageResize"/>.</summary>
public class NdimageTests
{
    [Theory]
    [InlineData((int)NdimageMode.Mirror, new[] { 1, 2, 3, 2, 1, 0 }, new[] { 2, 1, 0, 1, 2, 3 })]
    [InlineData((int)NdimageMode.Reflect, new[] { 0, 1, 2, 3, 3, 2 }, new[] { 3, 2, 1, 0, 0, 1 })]
    [InlineData((int)NdimageMode.GridWrap, new[] { 3, 2, 1, 0, 3, 2 }, new[] { 0, 1, 2, 3, 0, 1 })]
    [InlineData((int)NdimageMode.Nearest, new[] { 0, 0, 0, 0, 0, 0 }, new[] { 3, 3, 3, 3, 3, 3 })]
    [InlineData((int)NdimageMode.GridConstant, new[] { -1, -1, -1, -1, -1, -1 }, new[] { -1, -1, -1, -1, -1, -1 })]
    public void ExtendLine_FollowsNumpyPadPatterns(int modeCode, int[] outwardBefore, int[] after)
    {
        // Line a b c d (indices 0..3) extended by 6 on each side; "before" listed from the edge outwards.
        var ext = NdimageBoundary.ExtendLine(4, 6, 6, (NdimageMode)modeCode);
        Assert.Equal(16, ext.Length);
        for (int p = 0; p < 6; p++) Assert.Equal(outwardBefore[p], ext[5 - p]);
        Assert.Equal(new[] { 0, 1, 2, 3 }, ext[6..10]);
        Assert.Equal(after, ext[10..]);
    }

    [Theory]
    [InlineData((int)NdimageMode.Mirror, -1.0, 1.0)]
    [InlineData((int)NdimageMode.Mirror, -0.25, 0.25)]
    [InlineData((int)NdimageMode.Mirror, 5.5, 2.5)]
    [InlineData((int)NdimageMode.Mirror, 9.0, 1.0)]
    [InlineData((int)NdimageMode.Mirror, 4.25, 4.25)] // between len − 1 and len: left for the taps to fold
    [InlineData((int)NdimageMode.Reflect, -1.0, 0.0)]
    [InlineData((int)NdimageMode.Reflect, -0.25, -0.75)] // symmetric about −0.5, still negative
    [InlineData((int)NdimageMode.Reflect, 5.0, 4.0)]
    [InlineData((int)NdimageMode.Reflect, 5.5, 3.5)]
    [InlineData((int)NdimageMode.GridWrap, -1.0, 4.0)]
    [InlineData((int)NdimageMode.GridWrap, 5.5, 0.5)]
    [InlineData((int)NdimageMode.Nearest, -3.0, 0.0)]
    [InlineData((int)NdimageMode.Nearest, 7.0, 4.0)]
    [InlineData((int)NdimageMode.Constant, -0.5, -1.0)]
    public void MapCoordinate_HandWorked(int modeCode, double x, double expected) =>
        Assert.Equal(expected, NdimageBoundary.MapCoordinate(x, 5, (NdimageMode)modeCode));

    [Fact]
    public void PairwiseSum_GroupsLikeNumpy()
    {
        // n = 9: eight accumulators then one tail element: ((1e16+1)+(1+1)) + ((1+1)+(1+1)) − 1e16 = 6; a running sum gives 0.
        double[] a = [1e16, 1, 1, 1, 1, 1, 1, 1, -1e16];
        Assert.Equal(6.0, NdimageGaussian.PairwiseSum(a));
        double running = 0;
        foreach (var v in a) running += v;
        Assert.Equal(0.0, running);
        Assert.Equal(0.1 + 0.2 + 0.3, NdimageGaussian.PairwiseSum([0.1, 0.2, 0.3]));
    }

    [Theory]
    [InlineData(0.189, 3)]
    [InlineData(0.5, 5)]
    [InlineData(1.5, 13)]
    [InlineData(3.7, 31)]
    public void GaussianKernel_HasScipysRadiusAndUnitSum(double sigma, int length)
    {
        var k = NdimageGaussian.Kernel(sigma);
        Assert.Equal(length, k.Length);
        Assert.Equal(1.0, k.Sum(), 14);
        for (int i = 0; i < k.Length; i++) Assert.Equal(k[i], k[k.Length - 1 - i]);
        Assert.True(k[k.Length / 2] > k[0]);
    }

    [Theory]
    [InlineData((int)NdimageMode.Mirror, 2)]
    [InlineData((int)NdimageMode.Mirror, 3)]
    [InlineData((int)NdimageMode.Mirror, 5)]
    [InlineData((int)NdimageMode.GridWrap, 3)]
    [InlineData((int)NdimageMode.Mirror, 4)]
    public void PrefilterThenInterpolateAtSamples_ReturnsTheSamples(int modeCode, int order)
    {
        var mode = (NdimageMode)modeCode;
        // The B-spline interpolant passes through the samples: zoom by 1 after spline_filter is the identity.
        double[] line = [3, -1, 4, 1, -5, 9, 2, 6, 5, 3, 5];
        var c = (double[])line.Clone();
        NdimageSpline.FilterLines(c, c.Length, 1, 1, order, mode);
        Assert.NotEqual(line, c);
        var axis = ZoomAxis.Build(c.Length, c.Length, 1.0, order, mode, 0);
        var back = new double[c.Length];
        axis.ApplyLines(c, back, 1, 1, 1, 0.0);
        for (int i = 0; i < line.Length; i++) Assert.Equal(line[i], back[i], 12);
    }

    [Fact]
    public void FilterLines_IsTheSameForEveryLaneLayout()
    {
        // Four lines filtered one by one and as four interleaved lanes give identical bits.
        var rng = new Random(5);
        var lines = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 37).Select(_ => rng.NextDouble() * 255).ToArray()).ToArray();
        var interleaved = new double[37 * 4];
        for (int l = 0; l < 4; l++)
            for (int i = 0; i < 37; i++) interleaved[i * 4 + l] = lines[l][i];
        NdimageSpline.FilterLines(interleaved, 37, 4, 4, 3, NdimageMode.Reflect);
        for (int l = 0; l < 4; l++)
        {
            NdimageSpline.FilterLines(lines[l], 37, 1, 1, 3, NdimageMode.Reflect);
            for (int i = 0; i < 37; i++) Assert.Equal(lines[l][i], interleaved[i * 4 + l]);
        }
    }

    [Fact]
    public void SplineWeights_SumToOneAndMatchTheCubicBSpline()
    {
        Span<double> w = stackalloc double[6];
        ZoomAxis.SplineWeights(2.25, 3, w);
        // Cubic B-spline at offsets 1.25, 0.25, 0.75, 1.75 from the taps floor(x) − 1 … floor(x) + 2.
        Assert.Equal(Math.Pow(0.75, 3) / 6, w[0], 15);
        Assert.Equal(2.0 / 3 - 0.25 * 0.25 + Math.Pow(0.25, 3) / 2, w[1], 15);
        Assert.Equal(2.0 / 3 - 0.75 * 0.75 + Math.Pow(0.75, 3) / 2, w[2], 15);
        Assert.Equal(Math.Pow(0.25, 3) / 6, w[3], 15);
        for (int order = 1; order <= 5; order++)
        {
            ZoomAxis.SplineWeights(7.3, order, w);
            double sum = 0;
            for (int i = 0; i <= order; i++) sum += w[i];
            Assert.Equal(1.0, sum, 15);
        }
    }
}
