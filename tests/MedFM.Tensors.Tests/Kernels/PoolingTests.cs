using MedFM.Tensors;
using MedFM.Tensors.Kernels;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>Hand-worked pooling output sizes, adaptive cell bounds and windows.</summary>
public class PoolingTests
{
    [Theory]
    [InlineData(8, 3, 2, 0, 1, false, 3)] // floor(5 / 2) + 1
    [InlineData(8, 3, 2, 0, 1, true, 4)] // ceil(5 / 2) + 1; last window starts at 6 < 8
    [InlineData(5, 2, 2, 1, 1, true, 3)] // ceil gives 4, but window 3 would start at 6 ≥ 5 + 1: dropped
    [InlineData(11, 3, 2, 1, 2, false, 5)] // dilation 2: effective kernel 5, floor((11 + 2 − 5) / 2) + 1
    [InlineData(4, 5, 1, 0, 1, false, 0)] // kernel larger than the input
    public void OutputLengthFollowsPyTorch(int input, int kernel, int stride, int padding, int dilation, bool ceil, int expected) =>
        Assert.Equal(expected, PoolWindow.OutputLength(input, kernel, stride, padding, dilation, ceil));

    [Fact]
    public void AdaptiveCellsOverlapWhenTheSizeDoesNotDivide()
    {
        // 7 → 3: [0, 3), [2, 5), [4, 7).
        Assert.Equal(new[] { 0, 2, 4 }, Enumerable.Range(0, 3).Select(o => Pooling.AdaptiveStart(o, 7, 3)).ToArray());
        Assert.Equal(new[] { 3, 5, 7 }, Enumerable.Range(0, 3).Select(o => Pooling.AdaptiveEnd(o, 7, 3)).ToArray());
        // 3 → 5 (upsampling): [0,1), [0,2), [1,2), [1,3), [2,3).
        Assert.Equal(new[] { 0, 0, 1, 1, 2 }, Enumerable.Range(0, 5).Select(o => Pooling.AdaptiveStart(o, 3, 5)).ToArray());
        Assert.Equal(new[] { 1, 2, 2, 3, 3 }, Enumerable.Range(0, 5).Select(o => Pooling.AdaptiveEnd(o, 3, 5)).ToArray());
    }

    [Fact]
    public void AvgPoolCountIncludePadDividesByThePaddedWindow()
    {
        // 1×2×2 of ones, kernel 3, stride 1, padding 1: the corner window holds 4 inputs and 5 padded zeros.
        var win = new PoolWindow(new Int3(1, 2, 2), new Int3(1, 3, 3), 1, new Int3(0, 1, 1), 1, new Int3(1, 2, 2));
        var x = new float[] { 1, 1, 1, 1 };
        var y = new float[4];
        Pooling.AvgForward(win, countIncludePad: true, 0, x, y, 1);
        Assert.All(y, v => Assert.Equal(4f / 9f, v, 6));
        Pooling.AvgForward(win, countIncludePad: false, 0, x, y, 1);
        Assert.All(y, v => Assert.Equal(1f, v, 6));
    }
}
