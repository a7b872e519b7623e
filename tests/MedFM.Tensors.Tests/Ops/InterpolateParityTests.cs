using System.Text.Json;
using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>torch.nn.functional.interpolate and F.pad's non-constant modes, values and gradients, against PyTorch fixtures.</summary>
public class InterpolateParityTests
{
    public static TheoryData<string> InterpolateCases => SpatialFixtures.Keys("interpolate");
    public static TheoryData<string> PadCases => SpatialFixtures.Keys("pad");

    [Theory]
    [MemberData(nameof(InterpolateCases))]
    public void InterpolateMatchesTorch(string key)
    {
        var c = SpatialFixtures.Get(key);
        var x = c.Tensor("x").RequireGrad();
        var y = Tensor.Interpolate(x, Size(c), Scale(c), c.String("mode"),
            c.HasParam("align_corners") ? c.Bool("align_corners") : null,
            c.HasParam("recompute_scale_factor") ? c.Bool("recompute_scale_factor") : null,
            c.Bool("antialias"));
        TensorAssert.Shape(y, c.Tensor("y").ShapeArray());
        TensorAssert.Close(c.Data("y"), y, 1e-5, 1e-5);
        y.Backward(c.Tensor("gy"));
        TensorAssert.Close(c.Data("gx"), x.Grad!, 1e-5, 1e-5);
    }

    [Theory]
    [MemberData(nameof(PadCases))]
    public void PadModeMatchesTorch(string key)
    {
        var c = SpatialFixtures.Get(key);
        var x = c.Tensor("x").RequireGrad();
        var y = x.PadMode(c.Ints("pad", 0), c.String("mode"));
        TensorAssert.Shape(y, c.Tensor("y").ShapeArray());
        TensorAssert.Close(c.Data("y"), y, 0, 0);
        y.Backward(c.Tensor("gy"));
        TensorAssert.Close(c.Data("gx"), x.Grad!, 1e-6, 1e-6);
    }

    [Fact]
    public void FixturesCoverEveryModeAndBothScalePaths()
    {
        var cases = SpatialFixtures.Cases.Where(c => c.Op == "interpolate").ToList();
        foreach (var mode in new[] { "nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area" })
            Assert.Contains(cases, c => c.String("mode") == mode);
        Assert.Contains(cases, c => c.Bool("antialias") && c.String("mode") == "bicubic");
        Assert.Contains(cases, c => c.HasParam("scale_factor") && !c.HasParam("recompute_scale_factor"));
        Assert.Contains(cases, c => c.Bool("recompute_scale_factor"));
    }

    [Fact]
    public void ArgumentErrorsAreTyped()
    {
        var x = Tensor.Zeros(1, 1, 4, 4);
        Assert.Throws<TensorException>(() => Tensor.Interpolate(x, new[] { 8, 8 }, mode: "cubic"));
        Assert.Throws<TensorException>(() => Tensor.Interpolate(x, new[] { 8, 8 }, new[] { 2.0 }));
        Assert.Throws<TensorException>(() => Tensor.Interpolate(x, new[] { 8, 8 }, mode: "nearest", alignCorners: true));
        Assert.Throws<TensorException>(() => Tensor.Interpolate(x, new[] { 8, 8 }, mode: "nearest", antialias: true));
        Assert.Throws<TensorShapeException>(() => Tensor.Interpolate(x, new[] { 8, 8 }, mode: "trilinear"));
        Assert.Throws<TensorShapeException>(() => Tensor.Interpolate(x, new[] { 8, 8, 8 }));
        Assert.Throws<TensorShapeException>(() => Tensor.Interpolate(x, scaleFactor: new[] { 0.1 }));
        Assert.Throws<TensorShapeException>(() => Tensor.Interpolate(Tensor.Zeros(1, 1, 0, 4), new[] { 8, 8 }, mode: "bilinear"));
        Assert.Throws<TensorShapeException>(() => x.PadMode(new[] { 4, 0 }, "reflect"));
        Assert.Throws<TensorException>(() => x.PadMode(new[] { 1, 1 }, "mirror"));
    }

    private static int[]? Size(SpatialCase c)
    {
        if (!c.HasParam("size")) return null;
        var v = c.Params.GetProperty("size");
        return v.ValueKind == JsonValueKind.Number ? new[] { v.GetInt32() } : v.EnumerateArray().Select(e => e.GetInt32()).ToArray();
    }

    private static double[]? Scale(SpatialCase c)
    {
        if (!c.HasParam("scale_factor")) return null;
        var v = c.Params.GetProperty("scale_factor");
        return v.ValueKind == JsonValueKind.Number ? new[] { v.GetDouble() } : v.EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }
}
