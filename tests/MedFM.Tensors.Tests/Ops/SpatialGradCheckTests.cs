using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Random;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>Every spatial op's backward rule against central finite differences (small sizes).</summary>
public class SpatialGradCheckTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(new Generator(seed), shape);

    /// <summary>Distinct values at least 0.1 apart (a shuffled ramp), so a max-pool's argmax is stable under ±eps.</summary>
    private static Tensor Ramp(ulong seed, params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var perm = new Generator(seed).Permutation(n);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = perm[i] * 0.1f - n * 0.05f;
        return Tensor.FromArray(v, shape);
    }

    public static TheoryData<string> Ops => new()
    {
        "conv2d", "conv2d_groups_dilation", "conv2d_pointwise", "conv2d_patch", "conv3d", "conv_transpose2d",
        "conv_transpose2d_groups", "conv_transpose3d", "max_pool2d", "max_pool3d", "avg_pool2d", "avg_pool2d_exclude_pad",
        "avg_pool3d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "nearest", "nearest_exact", "bilinear", "bilinear_ac",
        "bicubic", "bilinear_aa", "bicubic_aa", "trilinear", "linear", "area", "pad_reflect", "pad_replicate", "pad_circular",
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void GradientMatchesFiniteDifferences(string op)
    {
        var (f, inputs) = Case(op);
        var result = GradCheck.Check(f, inputs, eps: 1e-2, atol: 2e-3, rtol: 2e-2);
        Assert.True(result.Checked > 0, "nothing was checked");
        Assert.True(result.Passed, $"{op}: {result.Worst} (max abs error {result.MaxAbsError:G3})");
    }

    private static (Func<Tensor[], Tensor>, Tensor[]) Case(string op) => op switch
    {
        "conv2d" => (x => Tensor.Conv2d(x[0], x[1], x[2], stride: (2, 1), padding: 1), new[] { R(1, 2, 3, 6, 5), R(2, 4, 3, 3, 3), R(3, 4) }),
        "conv2d_groups_dilation" => (x => Tensor.Conv2d(x[0], x[1], null, padding: 2, dilation: 2, groups: 2), new[] { R(1, 1, 4, 6, 6), R(2, 6, 2, 3, 2) }),
        "conv2d_pointwise" => (x => Tensor.Conv2d(x[0], x[1], x[2]), new[] { R(1, 2, 3, 4, 3), R(2, 5, 3, 1, 1), R(3, 5) }),
        "conv2d_patch" => (x => Tensor.Conv2d(x[0], x[1], x[2], stride: 3), new[] { R(1, 1, 2, 7, 6), R(2, 4, 2, 3, 3), R(3, 4) }),
        "conv3d" => (x => Tensor.Conv3d(x[0], x[1], x[2], stride: (1, 2, 1), padding: 1), new[] { R(1, 1, 2, 4, 5, 4), R(2, 3, 2, 2, 3, 3), R(3, 3) }),
        "conv_transpose2d" => (x => Tensor.ConvTranspose2d(x[0], x[1], x[2], stride: 2, padding: 1, outputPadding: 1), new[] { R(1, 2, 3, 3, 4), R(2, 3, 2, 3, 3), R(3, 2) }),
        "conv_transpose2d_groups" => (x => Tensor.ConvTranspose2d(x[0], x[1], null, stride: 2, groups: 2, dilation: 2), new[] { R(1, 1, 4, 3, 3), R(2, 4, 2, 2, 2) }),
        "conv_transpose3d" => (x => Tensor.ConvTranspose3d(x[0], x[1], x[2], stride: 2), new[] { R(1, 1, 2, 2, 3, 2), R(2, 2, 3, 2, 2, 2), R(3, 3) }),
        "max_pool2d" => (x => Tensor.MaxPool2d(x[0], 3, 2, 1, ceilMode: true), new[] { Ramp(1, 1, 2, 7, 6) }),
        "max_pool3d" => (x => Tensor.MaxPool3d(x[0], 2, (1, 2, 2)), new[] { Ramp(2, 1, 2, 3, 4, 5) }),
        "avg_pool2d" => (x => Tensor.AvgPool2d(x[0], 3, 2, 1, ceilMode: true), new[] { R(1, 1, 2, 7, 6) }),
        "avg_pool2d_exclude_pad" => (x => Tensor.AvgPool2d(x[0], (3, 2), (2, 1), (1, 1), countIncludePad: false), new[] { R(1, 1, 2, 5, 6) }),
        "avg_pool3d" => (x => Tensor.AvgPool3d(x[0], 2, 1, 1, countIncludePad: false), new[] { R(1, 1, 1, 3, 3, 4) }),
        "adaptive_avg_pool2d" => (x => Tensor.AdaptiveAvgPool2d(x[0], (3, 4)), new[] { R(1, 1, 2, 7, 5) }),
        "adaptive_avg_pool3d" => (x => Tensor.AdaptiveAvgPool3d(x[0], (2, 3, 2)), new[] { R(1, 1, 1, 3, 5, 4) }),
        "nearest" => (x => Tensor.Interpolate(x[0], new[] { 7, 4 }), new[] { R(1, 1, 2, 5, 6) }),
        "nearest_exact" => (x => Tensor.Interpolate(x[0], scaleFactor: new[] { 1.7 }, mode: "nearest-exact"), new[] { R(1, 1, 2, 4, 3) }),
        "bilinear" => (x => Tensor.Interpolate(x[0], new[] { 9, 4 }, mode: "bilinear"), new[] { R(1, 1, 2, 5, 6) }),
        "bilinear_ac" => (x => Tensor.Interpolate(x[0], new[] { 3, 8 }, mode: "bilinear", alignCorners: true), new[] { R(1, 1, 2, 5, 6) }),
        "bicubic" => (x => Tensor.Interpolate(x[0], new[] { 9, 4 }, mode: "bicubic"), new[] { R(1, 1, 2, 5, 6) }),
        "bilinear_aa" => (x => Tensor.Interpolate(x[0], new[] { 3, 8 }, mode: "bilinear", antialias: true), new[] { R(1, 1, 1, 11, 6) }),
        "bicubic_aa" => (x => Tensor.Interpolate(x[0], new[] { 4, 3 }, mode: "bicubic", antialias: true), new[] { R(1, 1, 1, 11, 9) }),
        "trilinear" => (x => Tensor.Interpolate(x[0], new[] { 4, 2, 5 }, mode: "trilinear"), new[] { R(1, 1, 1, 3, 4, 3) }),
        "linear" => (x => Tensor.Interpolate(x[0], new[] { 7 }, mode: "linear", alignCorners: true), new[] { R(1, 2, 2, 5) }),
        "area" => (x => Tensor.Interpolate(x[0], new[] { 3, 2 }, mode: "area"), new[] { R(1, 1, 2, 7, 5) }),
        "pad_reflect" => (x => x[0].PadMode(new[] { 2, 1, 1, 3 }, "reflect"), new[] { R(1, 1, 2, 4, 5) }),
        "pad_replicate" => (x => x[0].PadMode(new[] { 2, 1, 1, 3 }, "replicate"), new[] { R(1, 1, 2, 4, 5) }),
        "pad_circular" => (x => x[0].PadMode(new[] { 2, 1, 1, 3 }, "circular"), new[] { R(1, 1, 2, 4, 5) }),
        _ => throw new ArgumentException(op),
    };
}
