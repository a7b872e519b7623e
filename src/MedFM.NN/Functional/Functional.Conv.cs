using MedFM.Tensors;

namespace MedFM.NN;

/// <summary>
/// torch.nn.functional for the layers of this library. Each function takes plain tensors (so GradCheck and models
/// can call it without a module) and routes to the engine's op.
/// </summary>
public static partial class Functional
{
    /// <summary>2-D convolution (torch.nn.functional.conv2d): x [N, C, H, W] (or [C, H, W]), weight [O, C/groups, kH, kW].</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null,
        int[]? dilation = null, int groups = 1)
    {
        // TEMPORARY: composed im2col until the engine's fused Tensor.Conv2d lands.
        return Unbatched(x, 2, "conv2d", b => ConvComposed.Conv(b, weight, bias, Pair(stride, 1, 2), Pair(padding, 0, 2), Pair(dilation, 1, 2), groups, "conv2d"));
    }

    /// <summary>3-D convolution (torch.nn.functional.conv3d): x [N, C, D, H, W] (or unbatched), weight [O, C/groups, kD, kH, kW].</summary>
    public static Tensor Conv3d(Tensor x, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null,
        int[]? dilation = null, int groups = 1)
    {
        // TEMPORARY: composed im2col until the engine's fused Tensor.Conv3d lands.
        return Unbatched(x, 3, "conv3d", b => ConvComposed.Conv(b, weight, bias, Pair(stride, 1, 3), Pair(padding, 0, 3), Pair(dilation, 1, 3), groups, "conv3d"));
    }

    /// <summary>
    /// 2-D transposed convolution (torch.nn.functional.conv_transpose2d): x [N, Cin, H, W], weight [Cin, Cout/groups, kH, kW];
    /// output size (H − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null,
        int[]? outputPadding = null, int groups = 1, int[]? dilation = null)
    {
        // TEMPORARY: composed (zero insertion + flipped-kernel convolution) until the engine's Tensor.ConvTranspose2d lands.
        return Unbatched(x, 2, "conv_transpose2d", b => ConvComposed.ConvTranspose(b, weight, bias, Pair(stride, 1, 2), Pair(padding, 0, 2),
            Pair(outputPadding, 0, 2), groups, Pair(dilation, 1, 2), "conv_transpose2d"));
    }

    /// <summary>An int or per-dimension values expanded to n entries (torch's _pair/_triple).</summary>
    internal static int[] Pair(int[]? v, int fallback, int n)
    {
        if (v is null) return Enumerable.Repeat(fallback, n).ToArray();
        if (v.Length == 1) return Enumerable.Repeat(v[0], n).ToArray();
        if (v.Length != n) throw new ArgumentException($"expected 1 or {n} values, got ({string.Join(", ", v)})");
        return (int[])v.Clone();
    }

    /// <summary>Runs a batched op on an unbatched input ([C, spatial...]) by adding and removing the batch dimension.</summary>
    internal static Tensor Unbatched(Tensor x, int spatialDims, string op, Func<Tensor, Tensor> batched)
    {
        if (x.Rank == spatialDims + 2) return batched(x);
        if (x.Rank == spatialDims + 1) return batched(x.Unsqueeze(0)).Squeeze(0);
        throw new TensorShapeException(op, $"expects a {spatialDims + 1}-D (unbatched) or {spatialDims + 2}-D (batched) input, got shape {ShapeUtil.Format(x.Shape)}");
    }
}
