using MedFM.Tensors;
using MedFM.Tensors.Kernels;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>
/// The GEMM-lowered convolution (general im2col path, pointwise and patch fast paths) against the direct
/// double-accumulation loops of <see cref="ConvReference"/>, in all three directions, over a seeded sweep of
/// geometries (2-D and 3-D, groups, stride, padding, dilation, remainders that patches drop).
/// </summary>
public class ConvGemmTests
{
    public static TheoryData<int> Seeds()
    {
        var d = new TheoryData<int>();
        for (int s = 0; s < 40; s++) d.Add(s);
        return d;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomGeometryMatchesDirectLoops(int seed) => CheckAll(RandomGeometry(new System.Random(seed)));

    [Fact]
    public void PointwisePathMatches()
    {
        var g = Geometry(2, 6, 4, 2, new Int3(1, 5, 7), new Int3(1, 1, 1), 1, 0, 1);
        Assert.True(g.IsPointwise);
        Assert.Equal(0, ConvGemm.WorkspaceLength(g));
        CheckAll(g);
    }

    [Fact]
    public void PatchPathMatchesIncludingDroppedRemainder()
    {
        var g = Geometry(2, 3, 5, 1, new Int3(1, 19, 21), new Int3(1, 4, 5), new Int3(1, 4, 5), 0, 1);
        Assert.True(g.IsPatch);
        CheckAll(g);
        var g3 = Geometry(1, 2, 3, 1, new Int3(6, 8, 7), new Int3(2, 4, 2), new Int3(2, 4, 2), 0, 1);
        Assert.True(g3.IsPatch);
        CheckAll(g3);
    }

    [Fact]
    public void DepthwiseMatches()
    {
        var g = Geometry(1, 6, 12, 6, new Int3(1, 9, 10), new Int3(1, 3, 3), 2, new Int3(0, 1, 1), 1);
        Assert.True(ConvDepthwise.Applies(g));
        CheckAll(g);
        // Large enough to split planes across threads, stride 1 (the vector path), and a 3-D one.
        CheckAll(Geometry(2, 16, 16, 16, new Int3(1, 20, 21), new Int3(1, 5, 5), 1, new Int3(0, 2, 2), 1));
        CheckAll(Geometry(1, 4, 8, 4, new Int3(5, 6, 7), new Int3(3, 3, 3), 1, 1, (1, 2, 1)));
    }

    [Fact]
    public void ColumnsLargeEnoughToBeSplitAcrossThreadsMatch()
    {
        // 16 channels · 9 taps · 576 positions: above the size where lowering and raising use the thread team.
        CheckAll(Geometry(1, 16, 8, 1, new Int3(1, 24, 24), new Int3(1, 3, 3), 1, new Int3(0, 1, 1), 1));
        CheckAll(Geometry(1, 16, 8, 2, new Int3(4, 12, 12), new Int3(3, 3, 3), (1, 1, 2), 1, (2, 1, 1)));
    }

    [Fact]
    public void NarrowWorkspaceRunsTheColumnsInChunks()
    {
        var g = Geometry(2, 4, 6, 2, new Int3(1, 11, 9), new Int3(1, 3, 2), (1, 2, 1), new Int3(0, 1, 2), new Int3(1, 2, 1));
        Assert.False(g.IsPatch || g.IsPointwise);
        foreach (int columns in new[] { 1, 7, g.OutPlane - 1 }) CheckAll(g, g.ColRows * columns);
        Assert.Throws<ArgumentException>(() => ConvGemm.Forward(g, new float[g.Batch * g.InChannels * g.InPlane],
            new float[g.OutChannels * g.ColRows], default, new float[g.Batch * g.OutChannels * g.OutPlane], new float[g.ColRows - 1]));
    }

    private static void CheckAll(ConvGeometry g, long workspace = -1)
    {
        var rng = new System.Random(12345);
        var x = Fill(rng, g.Batch * g.InChannels * g.InPlane);
        var w = Fill(rng, g.OutChannels * g.ColRows);
        var b = Fill(rng, g.OutChannels);
        var gy = Fill(rng, g.Batch * g.OutChannels * g.OutPlane);
        var ws = new float[workspace >= 0 ? workspace : ConvGemm.WorkspaceLength(g)];

        var yRef = new float[gy.Length];
        var y = Fill(rng, gy.Length); // garbage: the kernel must overwrite it
        ConvReference.Forward(g, x, w, b, yRef);
        ConvGemm.Forward(g, x, w, b, y, ws);
        AssertClose(g, "forward", yRef, y);

        var gxRef = new float[x.Length];
        var gx = Fill(rng, x.Length);
        ConvReference.BackwardInput(g, gy, w, gxRef);
        ConvGemm.BackwardInput(g, gy, w, gx, ws);
        AssertClose(g, "input gradient", gxRef, gx);

        var gwRef = new float[w.Length];
        var gw = Fill(rng, w.Length);
        ConvReference.BackwardWeight(g, gy, x, gwRef);
        ConvGemm.BackwardWeight(g, gy, x, gw, ws);
        AssertClose(g, "weight gradient", gwRef, gw);
    }

    private static void AssertClose(ConvGeometry g, string what, float[] expected, float[] actual)
    {
        double err = TensorAssert.ScaledMaxError(expected, actual);
        Assert.True(err < 2e-6, $"{what} of {g}: scaled max error {err:G3}");
    }

    private static ConvGeometry RandomGeometry(System.Random rng)
    {
        bool threeD = rng.Next(3) == 0;
        int groups = rng.Next(1, 4);
        int cin = groups * rng.Next(1, 4), cout = groups * rng.Next(1, 4);
        Int3 kernel = threeD ? new Int3(rng.Next(1, 4), rng.Next(1, 4), rng.Next(1, 4)) : new Int3(1, rng.Next(1, 5), rng.Next(1, 5));
        Int3 stride = threeD ? new Int3(rng.Next(1, 3), rng.Next(1, 3), rng.Next(1, 4)) : new Int3(1, rng.Next(1, 4), rng.Next(1, 4));
        Int3 dilation = threeD ? new Int3(rng.Next(1, 3), rng.Next(1, 3), 1) : new Int3(1, rng.Next(1, 3), rng.Next(1, 4));
        Int3 padding = threeD ? new Int3(rng.Next(0, 2), rng.Next(0, 3), rng.Next(0, 2)) : new Int3(0, rng.Next(0, 3), rng.Next(0, 3));
        Int3 input = new(
            threeD ? (kernel.D - 1) * dilation.D + 1 + rng.Next(0, 4) : 1,
            (kernel.H - 1) * dilation.H + 1 + rng.Next(0, 7),
            (kernel.W - 1) * dilation.W + 1 + rng.Next(0, 7));
        return Geometry(rng.Next(1, 3), cin, cout, groups, input, kernel, stride, padding, dilation);
    }

    private static ConvGeometry Geometry(int batch, int cin, int cout, int groups, Int3 input, Int3 kernel, Int3 stride, Int3 padding, Int3 dilation)
    {
        var output = new Int3(
            ConvGeometry.OutputLength(input.D, kernel.D, stride.D, padding.D, dilation.D),
            ConvGeometry.OutputLength(input.H, kernel.H, stride.H, padding.H, dilation.H),
            ConvGeometry.OutputLength(input.W, kernel.W, stride.W, padding.W, dilation.W));
        return new ConvGeometry(batch, cin, cout, groups, input, kernel, stride, padding, dilation, output);
    }

    private static float[] Fill(System.Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
