using MedFM.Tensors.Kernels;
using MedFM.Tensors.Parallel;

namespace MedFM.Tensors;

/// <summary>
/// torch.nn.functional.interpolate for 3-D (N, C, W), 4-D (N, C, H, W) and 5-D (N, C, D, H, W) inputs:
/// modes "nearest" (legacy floor index), "nearest-exact", "linear", "bilinear", "bicubic" (A = −0.75, clamped
/// borders), "trilinear" and "area" (adaptive average pooling), align_corners, antialias for bilinear/bicubic,
/// and PyTorch's two scale paths (a given scale_factor drives the source coordinates unless
/// recompute_scale_factor is set). Every mode is a separable pass per axis (last axis first, as ATen), and the
/// gradient applies the transposed passes in reverse order. Kernels: <see cref="InterpolateWeights"/>,
/// <see cref="InterpolateKernels"/>.
/// </summary>
public sealed partial class Tensor
{
    private static readonly string[] InterpolateModes = { "nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area" };

    /// <summary>
    /// Resizes the spatial dimensions to <paramref name="size"/> or by <paramref name="scaleFactor"/> (exactly one;
    /// either one value for every spatial dimension or one per dimension).
    /// </summary>
    public static Tensor Interpolate(Tensor x, int[]? size = null, double[]? scaleFactor = null, string mode = "nearest",
        bool? alignCorners = null, bool? recomputeScaleFactor = null, bool antialias = false)
    {
        const string op = "interpolate";
        x.RequireFloat(op);
        if (x.Rank < 3 || x.Rank > 5)
            throw new TensorShapeException(op, $"expects a 3-D, 4-D or 5-D input (N, C, spatial...), got {ShapeUtil.Format(x.shape)}");
        int dims = x.Rank - 2;
        CheckInterpolateMode(op, mode, dims, alignCorners, antialias);
        var (outSize, scales) = InterpolateOutputSize(op, x, dims, size, scaleFactor, mode, recomputeScaleFactor);
        if (mode == "area") return AreaInterpolate(x, dims, outSize);
        bool ac = alignCorners ?? false;
        var taps = new InterpolateTaps[dims];
        for (int a = 0; a < dims; a++)
        {
            int inSize = x.shape[2 + a];
            taps[a] = mode switch
            {
                "nearest" => InterpolateWeights.Nearest(inSize, outSize[a], scales?[a]),
                "nearest-exact" => InterpolateWeights.NearestExact(inSize, outSize[a], scales?[a]),
                "bicubic" when !antialias => InterpolateWeights.Cubic(inSize, outSize[a], ac, scales?[a]),
                "bilinear" or "bicubic" when antialias => InterpolateWeights.Antialiased(inSize, outSize[a], ac, scales?[a], mode == "bicubic"),
                _ => InterpolateWeights.Linear(inSize, outSize[a], ac, scales?[a]),
            };
        }
        return ResampleSeparable(op, x, taps);
    }

    /// <summary>Applies one tap table per spatial axis (last axis first) and records the transposed passes as gradient.</summary>
    private static Tensor ResampleSeparable(string op, Tensor x, InterpolateTaps[] taps)
    {
        int dims = taps.Length;
        var cur = x.Detach().Contiguous();
        for (int a = dims - 1; a >= 0; a--) cur = ResamplePass(cur, 2 + a, taps[a]);
        var y = ReferenceEquals(cur.Storage, x.Storage) ? cur.Clone() : cur;
        return y.Record(op, new[] { x }, g =>
        {
            var gc = g.Contiguous();
            for (int a = 0; a < dims; a++) gc = ResamplePass(gc, 2 + a, taps[a].Transpose());
            return new Tensor?[] { ReferenceEquals(gc.Storage, g.Storage) ? gc.Clone() : gc };
        });
    }

    /// <summary>One pass along axis of a dense tensor (not recorded); returns the input itself for an identity table.</summary>
    private static Tensor ResamplePass(Tensor src, int axis, InterpolateTaps taps)
    {
        if (taps.IsIdentity) return src;
        var outShape = src.ShapeArray();
        outShape[axis] = taps.OutSize;
        var dst = new Tensor(outShape);
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= src.shape[i];
        for (int i = axis + 1; i < src.Rank; i++) inner *= src.shape[i];
        float[] sa = src.FloatData, da = dst.FloatData;
        int so = src.Offset, sl = src.Numel, dl = dst.Numel;
        if (inner == 1)
        {
            int minRows = Math.Max(1, 16384 / Math.Max(1, taps.OutSize * taps.MaxTaps));
            ThreadTeam.Default.For(outer, (lo, hi) =>
                InterpolateKernels.ResampleRows(taps, sa.AsSpan(so, sl), da.AsSpan(0, dl), lo, hi), minRows);
        }
        else
        {
            int minLines = Math.Max(1, 16384 / Math.Max(1, inner * taps.MaxTaps));
            ThreadTeam.Default.For(outer * taps.OutSize, (lo, hi) =>
                InterpolateKernels.ResampleLines(taps, sa.AsSpan(so, sl), da.AsSpan(0, dl), inner, lo, hi), minLines);
        }
        return dst;
    }

    private static void CheckInterpolateMode(string op, string mode, int dims, bool? alignCorners, bool antialias)
    {
        if (Array.IndexOf(InterpolateModes, mode) < 0)
            throw new TensorException(op, $"unknown mode '{mode}'; expected one of {string.Join(", ", InterpolateModes)}");
        string? needs = mode switch { "linear" => "3-D", "bilinear" or "bicubic" => "4-D", "trilinear" => "5-D", _ => null };
        int needRank = mode switch { "linear" => 1, "bilinear" or "bicubic" => 2, "trilinear" => 3, _ => dims };
        if (needRank != dims)
            throw new TensorShapeException(op, $"mode '{mode}' needs a {needs} input, got {dims + 2}-D");
        bool interpolating = mode is "linear" or "bilinear" or "bicubic" or "trilinear";
        if (alignCorners is not null && !interpolating)
            throw new TensorException(op, $"align_corners can only be set with the interpolating modes linear, bilinear, bicubic and trilinear, not '{mode}'");
        if (antialias && mode is not ("bilinear" or "bicubic"))
            throw new TensorException(op, $"antialias is only supported for the bilinear and bicubic modes, not '{mode}'");
    }

    /// <summary>The output size, and the scale factors the coordinates use (null when they come from the sizes).</summary>
    private static (int[] Size, double[]? Scales) InterpolateOutputSize(string op, Tensor x, int dims, int[]? size, double[]? scaleFactor,
        string mode, bool? recompute)
    {
        for (int a = 0; a < dims; a++)
            if (x.shape[2 + a] <= 0)
                throw new TensorShapeException(op, $"input sizes must be positive, got {ShapeUtil.Format(x.shape)}");
        if ((size is null) == (scaleFactor is null))
            throw new TensorException(op, "give exactly one of size and scale_factor");
        if (size is not null)
        {
            var s = SpatialValues(op, "size", size, dims);
            foreach (int v in s)
                if (v <= 0) throw new TensorShapeException(op, $"output size must be positive, got ({string.Join(", ", size)})");
            return (s, null);
        }
        var f = SpatialValues(op, "scale_factor", scaleFactor!, dims);
        var outSize = new int[dims];
        for (int a = 0; a < dims; a++)
        {
            double o = x.shape[2 + a] * f[a];
            if (!(f[a] > 0) || double.IsInfinity(f[a]) || o >= int.MaxValue)
                throw new TensorShapeException(op, $"scale factor {f[a]} is not usable for dimension {2 + a} of {ShapeUtil.Format(x.shape)}");
            outSize[a] = (int)Math.Floor(o);
            if (outSize[a] <= 0)
                throw new TensorShapeException(op, $"scale factor {f[a]} gives an empty output for dimension {2 + a} of {ShapeUtil.Format(x.shape)}");
        }
        bool recomputed = recompute == true || mode == "area";
        return (outSize, recomputed ? null : f);
    }

    private static T[] SpatialValues<T>(string op, string name, T[] values, int dims)
    {
        if (values.Length == dims) return (T[])values.Clone();
        if (values.Length != 1)
            throw new TensorShapeException(op, $"{name} has {values.Length} values for {dims} spatial dimension(s)");
        var r = new T[dims];
        Array.Fill(r, values[0]);
        return r;
    }

    /// <summary>mode "area": adaptive average pooling to the output size.</summary>
    private static Tensor AreaInterpolate(Tensor x, int dims, int[] outSize) => dims switch
    {
        1 => AdaptiveAvgPool2d(x.Unsqueeze(2), (1, outSize[0])).Squeeze(2),
        2 => AdaptiveAvgPool2d(x, (outSize[0], outSize[1])),
        _ => AdaptiveAvgPool3d(x, (outSize[0], outSize[1], outSize[2])),
    };
}
