using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>Pooling ops and their gradients against torch.nn.functional (fixtures from tools/tensors/make_spatial_fixtures.py).</summary>
public class PoolParityTests
{
    public static TheoryData<string> MaxPool2dCases => SpatialFixtures.Keys("max_pool2d");
    public static TheoryData<string> MaxPool3dCases => SpatialFixtures.Keys("max_pool3d");
    public static TheoryData<string> AvgPool2dCases => SpatialFixtures.Keys("avg_pool2d");
    public static TheoryData<string> AvgPool3dCases => SpatialFixtures.Keys("avg_pool3d");
    public static TheoryData<string> AdaptiveCases => SpatialFixtures.Keys("adaptive_avg_pool2d");

    [Theory]
    [MemberData(nameof(MaxPool2dCases))]
    public void MaxPool2dMatchesTorchIncludingIndices(string key)
    {
        var c = SpatialFixtures.Get(key);
        CheckMax(c, x => Tensor.MaxPool2dWithIndices(x, c.Int2("kernel_size"), c.Int2("stride"), c.Int2("padding"),
            c.Int2("dilation"), c.Bool("ceil_mode")));
    }

    [Theory]
    [MemberData(nameof(MaxPool3dCases))]
    public void MaxPool3dMatchesTorchIncludingIndices(string key)
    {
        var c = SpatialFixtures.Get(key);
        CheckMax(c, x => Tensor.MaxPool3dWithIndices(x, c.Int3("kernel_size"), c.Int3("stride"), c.Int3("padding"),
            c.Int3("dilation"), c.Bool("ceil_mode")));
    }

    [Theory]
    [MemberData(nameof(AvgPool2dCases))]
    public void AvgPool2dMatchesTorch(string key)
    {
        var c = SpatialFixtures.Get(key);
        Check(c, x => Tensor.AvgPool2d(x, c.Int2("kernel_size"), c.Int2("stride"), c.Int2("padding"), c.Bool("ceil_mode"),
            c.Bool("count_include_pad", true), c.HasParam("divisor_override") ? c.Int("divisor_override") : null));
    }

    [Theory]
    [MemberData(nameof(AvgPool3dCases))]
    public void AvgPool3dMatchesTorch(string key)
    {
        var c = SpatialFixtures.Get(key);
        Check(c, x => Tensor.AvgPool3d(x, c.Int3("kernel_size"), c.Int3("stride"), c.Int3("padding"), c.Bool("ceil_mode"),
            c.Bool("count_include_pad", true)));
    }

    [Theory]
    [MemberData(nameof(AdaptiveCases))]
    public void AdaptiveAvgPool2dMatchesTorch(string key)
    {
        var c = SpatialFixtures.Get(key);
        Check(c, x => Tensor.AdaptiveAvgPool2d(x, c.Int2("output_size")));
    }

    [Fact]
    public void AdaptiveAvgPool3dMatchesTorch()
    {
        var c = SpatialFixtures.Get("adaptive_avg_pool3d/5x6x7_to_2x4x3");
        Check(c, x => Tensor.AdaptiveAvgPool3d(x, c.Int3("output_size")));
    }

    [Fact]
    public void MaxPoolPropagatesNaNAndKeepsTheFirstOfTiedMaxima()
    {
        var x = Tensor.FromArray(new[] { 1f, 3f, 3f, 0f, float.NaN, 2f, 5f, 5f }, 1, 1, 2, 4);
        var (v, i) = Tensor.MaxPool2dWithIndices(x, (1, 2));
        Assert.Equal(new[] { 3f, 3f, float.NaN, 5f }, v.ToArray());
        Assert.Equal(new long[] { 1, 2, 4, 6 }, i.ToLongArray());
    }

    [Fact]
    public void AvgPoolUnbatchedHandWorked()
    {
        // 3×3 input, kernel 2, stride 1, no padding: each output is the mean of a 2×2 block.
        var x = Tensor.FromArray(new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f }, 1, 3, 3);
        var y = Tensor.AvgPool2d(x, 2, 1);
        TensorAssert.Shape(y, 1, 2, 2);
        TensorAssert.Close(new[] { 3f, 4f, 6f, 7f }, y);
    }

    [Fact]
    public void BadPoolArgumentsThrow()
    {
        var x = Tensor.Zeros(1, 1, 4, 4);
        Assert.Throws<TensorShapeException>(() => Tensor.MaxPool2d(x, 3, padding: 2));
        Assert.Throws<TensorShapeException>(() => Tensor.MaxPool2d(x, 5));
        Assert.Throws<TensorShapeException>(() => Tensor.AvgPool2d(x, 2, divisorOverride: 0));
        Assert.Throws<TensorShapeException>(() => Tensor.AdaptiveAvgPool2d(x, (0, 2)));
        Assert.Throws<TensorShapeException>(() => Tensor.MaxPool2d(Tensor.Zeros(4, 4), 2));
    }

    private static void CheckMax(SpatialCase c, Func<Tensor, (Tensor Values, Tensor Indices)> pool)
    {
        var x = c.Tensor("x").RequireGrad();
        var (y, idx) = pool(x);
        TensorAssert.Shape(y, c.Tensor("y").ShapeArray());
        TensorAssert.Close(c.Data("y"), y, 0, 0);
        Assert.Equal(c.Data("idx").Select(v => (long)v).ToArray(), idx.ToLongArray());
        y.Backward(c.Tensor("gy"));
        TensorAssert.Close(c.Data("gx"), x.Grad!, 1e-6, 1e-6);
    }

    private static void Check(SpatialCase c, Func<Tensor, Tensor> pool)
    {
        var x = c.Tensor("x").RequireGrad();
        var y = pool(x);
        TensorAssert.Shape(y, c.Tensor("y").ShapeArray());
        TensorAssert.Close(c.Data("y"), y, 1e-6, 1e-5);
        y.Backward(c.Tensor("gy"));
        TensorAssert.Close(c.Data("gx"), x.Grad!, 1e-6, 1e-5);
    }
}
