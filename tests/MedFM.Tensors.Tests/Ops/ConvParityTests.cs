using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>Convolutions and their gradients against torch.nn.functional (fixtures from tools/tensors/make_spatial_fixtures.py).</summary>
public class ConvParityTests
{
    /// <summary>Max error relative to the largest expected magnitude (accumulation order differs from PyTorch's).</summary>
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Conv2dCases => SpatialFixtures.Keys("conv2d");
    public static TheoryData<string> Conv3dCases => SpatialFixtures.Keys("conv3d");
    public static TheoryData<string> ConvTranspose2dCases => SpatialFixtures.Keys("conv_transpose2d");
    public static TheoryData<string> ConvTranspose3dCases => SpatialFixtures.Keys("conv_transpose3d");

    [Theory]
    [MemberData(nameof(Conv2dCases))]
    public void Conv2dMatchesTorch(string key) => Check(key, (c, x, w, b) =>
        Tensor.Conv2d(x, w, b, c.Int2("stride"), c.Int2("padding"), c.Int2("dilation"), c.Int("groups")));

    [Theory]
    [MemberData(nameof(Conv3dCases))]
    public void Conv3dMatchesTorch(string key) => Check(key, (c, x, w, b) =>
        Tensor.Conv3d(x, w, b, c.Int3("stride"), c.Int3("padding"), c.Int3("dilation"), c.Int("groups")));

    [Theory]
    [MemberData(nameof(ConvTranspose2dCases))]
    public void ConvTranspose2dMatchesTorch(string key) => Check(key, (c, x, w, b) =>
        Tensor.ConvTranspose2d(x, w, b, c.Int2("stride"), c.Int2("padding"), c.Int2("output_padding"), c.Int2("dilation"), c.Int("groups")));

    [Theory]
    [MemberData(nameof(ConvTranspose3dCases))]
    public void ConvTranspose3dMatchesTorch(string key) => Check(key, (c, x, w, b) =>
        Tensor.ConvTranspose3d(x, w, b, c.Int3("stride"), c.Int3("padding"), c.Int3("output_padding"), c.Int3("dilation"), c.Int("groups")));

    [Fact]
    public void EveryConvCaseIsCovered()
    {
        int count = SpatialFixtures.Cases.Count(c => c.Op.StartsWith("conv", StringComparison.Ordinal));
        Assert.True(count >= 20, $"only {count} convolution fixtures");
    }

    [Fact]
    public void UnbatchedInputGivesTheBatchedResultWithoutTheBatchDimension()
    {
        var c = SpatialFixtures.Get("conv2d/basic_3x3_pad1");
        var x = c.Tensor("x").Select(0, 1).Contiguous();
        var y = Tensor.Conv2d(x, c.Tensor("w"), c.Tensor("b"), 1, 1);
        TensorAssert.Shape(y, c.Tensor("y").Size(1), c.Tensor("y").Size(2), c.Tensor("y").Size(3));
        TensorAssert.Close(c.Tensor("y").Select(0, 1).Contiguous().ToArray(), y, 1e-4, 1e-4);
    }

    [Fact]
    public void MismatchedShapesThrowTypedErrorsNamingTheOp()
    {
        var x = Tensor.Zeros(1, 4, 8, 8);
        var ex = Assert.Throws<TensorShapeException>(() => Tensor.Conv2d(x, Tensor.Zeros(6, 3, 3, 3)));
        Assert.Contains("conv2d", ex.Message);
        Assert.Contains("[6, 3, 3, 3]", ex.Message);
        Assert.Throws<TensorShapeException>(() => Tensor.Conv2d(x, Tensor.Zeros(6, 2, 3, 3), groups: 3));
        Assert.Throws<TensorShapeException>(() => Tensor.Conv2d(x, Tensor.Zeros(6, 4, 9, 9)));
        Assert.Throws<TensorShapeException>(() => Tensor.Conv2d(x, Tensor.Zeros(6, 4, 3, 3), Tensor.Zeros(5)));
        Assert.Throws<TensorShapeException>(() => Tensor.Conv2d(x, Tensor.Zeros(6, 4, 3, 3), stride: 0));
        Assert.Throws<TensorShapeException>(() => Tensor.Conv3d(x, Tensor.Zeros(6, 4, 3, 3, 3)));
        var tex = Assert.Throws<TensorShapeException>(() => Tensor.ConvTranspose2d(x, Tensor.Zeros(4, 2, 3, 3), stride: 2, outputPadding: 2));
        Assert.Contains("output padding", tex.Message);
        Assert.Throws<TensorDTypeException>(() => Tensor.Conv2d(Tensor.FromLongs(new long[64], 1, 1, 8, 8), Tensor.Zeros(1, 1, 3, 3)));
    }

    private static void Check(string key, Func<SpatialCase, Tensor, Tensor, Tensor?, Tensor> conv)
    {
        var c = SpatialFixtures.Get(key);
        var x = c.Tensor("x").RequireGrad();
        var w = c.Tensor("w").RequireGrad();
        var b = c.Has("b") ? c.Tensor("b").RequireGrad() : null;
        var y = conv(c, x, w, b);
        Assert.True(y.Shape.SequenceEqual(c.Tensor("y").Shape), $"{key}: shape {ShapeUtil.Format(y.Shape)}, torch {ShapeUtil.Format(c.Tensor("y").Shape)}");
        AssertScaled(key, "y", c.Data("y"), y.ToArray());
        y.Backward(c.Tensor("gy"));
        AssertScaled(key, "gx", c.Data("gx"), x.Grad!.ToArray());
        AssertScaled(key, "gw", c.Data("gw"), w.Grad!.ToArray());
        if (b is not null) AssertScaled(key, "gb", c.Data("gb"), b.Grad!.ToArray());
    }

    private static void AssertScaled(string key, string what, float[] expected, float[] actual)
    {
        double err = TensorAssert.ScaledMaxError(expected, actual);
        Assert.True(err <= Tolerance, $"{key} {what}: scaled max error {err:G3} > {Tolerance}");
    }
}
