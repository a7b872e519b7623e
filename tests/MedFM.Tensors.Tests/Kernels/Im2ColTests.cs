using MedFM.Tensors.Kernels;
using MedFM.Tensors.Parallel;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>im2col + GEMM against a direct convolution; col2im against the direct input gradient.</summary>
public class Im2ColTests
{
    public static TheoryData<ConvWindow> Windows2D => new()
    {
        ConvWindow.Of2D(3, (9, 11), (3, 3)),
        ConvWindow.Of2D(2, (10, 7), (3, 3), stride: (2, 2), padding: (1, 1)),
        ConvWindow.Of2D(4, (13, 12), (3, 2), stride: (1, 3), padding: (2, 1), dilation: (2, 3)),
        ConvWindow.Of2D(3, (32, 32), (16, 16), stride: (16, 16)),                  // ViT patch embedding
        ConvWindow.Of2D(5, (6, 5), (1, 1)),                                        // pointwise
        ConvWindow.Of2D(2, (7, 7), (7, 7), padding: (3, 3)),                       // kernel as large as the image
        ConvWindow.Of2D(1, (4, 9), (5, 2), stride: (3, 2), padding: (2, 0), dilation: (1, 2)),
        ConvWindow.Of2D(3, (64, 80), (3, 3), padding: (1, 1)),                     // large: split over the team
    };

    public static TheoryData<ConvWindow> Windows3D => new()
    {
        ConvWindow.Of3D(2, (5, 6, 7), (3, 3, 3)),
        ConvWindow.Of3D(3, (8, 7, 6), (3, 2, 3), stride: (2, 1, 2), padding: (1, 1, 1), dilation: (1, 2, 1)),
        ConvWindow.Of3D(2, (16, 16, 16), (4, 4, 4), stride: (4, 4, 4)),          // 3-D patch embedding
        ConvWindow.Of3D(4, (12, 20, 20), (3, 3, 3), padding: (1, 1, 1)),          // large: split over the team
    };

    [Theory]
    [MemberData(nameof(Windows2D))]
    [MemberData(nameof(Windows3D))]
    public void ColumnsTimesWeightsEqualTheDirectConvolution(ConvWindow g)
    {
        const int cout = 4;
        var rng = new System.Random(g.GetHashCode());
        var x = Random(rng, g.ImageLength);
        var w = Random(rng, cout * g.ColumnRows);
        var columns = Enumerable.Repeat(float.NaN, g.ColumnLength).ToArray(); // every entry must be written
        Im2Col.Run(g, x, columns);
        var y = new float[cout * g.ColumnCols];
        GemmReference.Sgemm(false, false, cout, g.ColumnCols, g.ColumnRows, 1f, w, g.ColumnRows, columns, g.ColumnCols, 0f, y, g.ColumnCols);
        var expected = ConvDirect.Forward(g, x, w, cout);
        for (int i = 0; i < y.Length; i++)
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"{g}: y[{i}] = {y[i]}, direct {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(Windows2D))]
    [MemberData(nameof(Windows3D))]
    public void Col2ImOfTheColumnGradientIsTheDirectInputGradient(ConvWindow g)
    {
        const int cout = 3;
        var rng = new System.Random(g.GetHashCode() + 1);
        var gy = Random(rng, cout * g.ColumnCols);
        var w = Random(rng, cout * g.ColumnRows);
        var columns = new float[g.ColumnLength];
        GemmReference.Sgemm(true, false, g.ColumnRows, g.ColumnCols, cout, 1f, w, g.ColumnRows, gy, g.ColumnCols, 0f, columns, g.ColumnCols);
        var gx = Enumerable.Repeat(float.NaN, g.ImageLength).ToArray(); // overwritten, not accumulated
        Col2Im.Run(g, columns, gx);
        var expected = ConvDirect.InputGradient(g, gy, w, cout);
        for (int i = 0; i < gx.Length; i++)
            Assert.True(Math.Abs(gx[i] - expected[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"{g}: gx[{i}] = {gx[i]}, direct {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(Windows2D))]
    [MemberData(nameof(Windows3D))]
    public void Col2ImIsTheAdjointOfIm2Col(ConvWindow g)
    {
        var rng = new System.Random(g.GetHashCode() + 2);
        var x = Random(rng, g.ImageLength);
        var y = Random(rng, g.ColumnLength);
        var cols = new float[g.ColumnLength];
        var back = new float[g.ImageLength];
        Im2Col.Run(g, x, cols);
        Col2Im.Run(g, y, back);
        double lhs = 0, rhs = 0, scale = 0;
        for (int i = 0; i < cols.Length; i++) { lhs += (double)cols[i] * y[i]; scale += Math.Abs((double)cols[i] * y[i]); }
        for (int i = 0; i < back.Length; i++) rhs += (double)x[i] * back[i];
        Assert.True(Math.Abs(lhs - rhs) <= 1e-6 * (1 + scale), $"{g}: <im2col x, y> = {lhs}, <x, col2im y> = {rhs}");
    }

    [Fact]
    public void Col2ImCanAccumulateIntoTheImage()
    {
        var g = ConvWindow.Of2D(2, (6, 6), (3, 3), padding: (1, 1));
        var rng = new System.Random(4);
        var cols = Random(rng, g.ColumnLength);
        var fresh = new float[g.ImageLength];
        Col2Im.Run(g, cols, fresh);
        var acc = Enumerable.Repeat(1f, g.ImageLength).ToArray();
        Col2Im.Run(g, cols, acc, accumulate: true);
        for (int i = 0; i < acc.Length; i++) Assert.Equal(fresh[i] + 1f, acc[i], 5);
    }

    [Fact]
    public void OneAndTwoThreadsGiveIdenticalBits()
    {
        var g = ConvWindow.Of3D(4, (12, 20, 20), (3, 3, 3), stride: (1, 2, 1), padding: (1, 1, 1));
        var rng = new System.Random(5);
        var x = Random(rng, g.ImageLength);
        using var one = new ThreadTeam(1);
        using var two = new ThreadTeam(2);
        var c1 = new float[g.ColumnLength];
        var c2 = new float[g.ColumnLength];
        Im2Col.Run(g, x, c1, one);
        Im2Col.Run(g, x, c2, two);
        Assert.Equal(c1, c2);
        var b1 = new float[g.ImageLength];
        var b2 = new float[g.ImageLength];
        Col2Im.Run(g, c1, b1, false, one);
        Col2Im.Run(g, c1, b2, false, two);
        Assert.Equal(b1, b2);
    }

    [Fact]
    public void BadWindowsAndShortSpansAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => ConvWindow.Of2D(1, (4, 4), (6, 3)));
        Assert.Contains("larger than the padded input height", e.Message);
        Assert.Throws<ArgumentException>(() => ConvWindow.Of2D(1, (4, 4), (3, 3), stride: (0, 1)));
        Assert.Throws<ArgumentException>(() => ConvWindow.Of2D(1, (4, 4), (3, 3), padding: (-1, 0)));
        Assert.Throws<ArgumentException>(() => ConvWindow.Of3D(0, (4, 4, 4), (3, 3, 3)));
        Assert.Throws<ArgumentException>(() => ConvWindow.Of3D(1, (4, 4, 4), (3, 3, 3), dilation: (1, 0, 1)));
        var g = ConvWindow.Of2D(2, (5, 5), (3, 3));
        e = Assert.Throws<ArgumentException>(() => Im2Col.Run(g, new float[49], new float[g.ColumnLength]));
        Assert.Equal("image", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Im2Col.Run(g, new float[50], new float[g.ColumnLength - 1]));
        Assert.Equal("columns", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Col2Im.Run(g, new float[g.ColumnLength - 1], new float[50]));
        Assert.Equal("columns", e.ParamName);
    }

    [Fact]
    public void OutputSizesFollowPyTorch()
    {
        // torch.nn.Conv2d(1, 1, (3, 2), stride=(2, 3), padding=(1, 2), dilation=(2, 1)) on 10x11 → 4x5
        var g = ConvWindow.Of2D(1, (10, 11), (3, 2), stride: (2, 3), padding: (1, 2), dilation: (2, 1));
        Assert.Equal((1, 4, 5), (g.OutD, g.OutH, g.OutW));
        var v = ConvWindow.Of3D(2, (7, 8, 9), (3, 3, 3), stride: (2, 2, 2), padding: (1, 0, 1));
        Assert.Equal((4, 3, 5), (v.OutD, v.OutH, v.OutW));
        Assert.Equal(2 * 27, v.ColumnRows);
        Assert.Equal(60, v.ColumnCols);
    }

    private static float[] Random(System.Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
