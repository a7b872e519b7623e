using MedFM.Tensors.Kernels;
using MedFM.Tensors.Random;

namespace MedFM.Tensors;

/// <summary>
/// Fused softmax, log-softmax, layer norm (trailing dims and SAM's channel LayerNorm2d) and dropout: one kernel
/// forward and one kernel backward each (Kernels/Softmax.cs, LayerNorm.cs, LayerNormChannels.cs). The composed
/// versions in Tensor.Normalization.cs are their references; tests hold the two to agreement in value and gradient.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>softmax along dim (torch.softmax): exp(x − max) / Σ exp(x − max), fused forward and backward.</summary>
    public Tensor Softmax(int dim) => SoftmaxFused(dim, log: false, "softmax");

    /// <summary>log softmax along dim (torch.log_softmax): (x − max) − log Σ exp(x − max), fused forward and backward.</summary>
    public Tensor LogSoftmax(int dim) => SoftmaxFused(dim, log: true, "log_softmax");

    private Tensor SoftmaxFused(int dim, bool log, string op)
    {
        RequireFloat(op);
        int d = ShapeUtil.Axis(dim, Math.Max(Rank, 1), op);
        SplitAround(d, out int outer, out int n, out int inner);
        var xc = Detach().Contiguous();
        var y = new Tensor(ShapeArray());
        Kernels.Softmax.Forward(xc.FloatData, xc.Offset, y.FloatData, y.Offset, outer, n, inner, log);
        return y.Record(op, new[] { this }, g =>
        {
            var gc = g.Contiguous();
            var dx = new Tensor(y.ShapeArray());
            Kernels.Softmax.Backward(y.FloatData, y.Offset, gc.FloatData, gc.Offset, dx.FloatData, dx.Offset, outer, n, inner, log);
            return new[] { dx };
        });
    }

    /// <summary>Sizes before, at and after dimension d ([outer, n, inner]); a 0-D tensor is [1, 1, 1].</summary>
    private void SplitAround(int d, out int outer, out int n, out int inner)
    {
        outer = 1;
        inner = 1;
        n = Rank == 0 ? 1 : shape[d];
        for (int i = 0; i < d && i < Rank; i++) outer *= shape[i];
        for (int i = d + 1; i < Rank; i++) inner *= shape[i];
    }

    /// <summary>
    /// torch.nn.functional.layer_norm over the trailing dimensions normalizedShape: biased variance, eps inside the
    /// square root, then weight and bias (shape normalizedShape, each optional). Fused forward (one-pass Welford
    /// statistics) and backward (dx, dweight, dbias in one kernel).
    /// </summary>
    public static Tensor LayerNorm(Tensor x, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, float eps = 1e-5f)
    {
        const string op = "layer_norm";
        x.RequireFloat(op);
        int nd = normalizedShape.Length;
        if (nd == 0 || x.Rank < nd || !x.Shape[(x.Rank - nd)..].SequenceEqual(normalizedShape))
            throw new TensorShapeException(op, $"input {ShapeUtil.Format(x.Shape)} does not end in the normalized shape {ShapeUtil.Format(normalizedShape)}");
        CheckAffine(op, weight, bias, normalizedShape);
        int n = ShapeUtil.Numel(normalizedShape), rows = n == 0 ? 0 : x.Numel / n;
        var xc = x.Detach().Contiguous();
        var wc = weight?.Detach().Contiguous();
        var bc = bias?.Detach().Contiguous();
        var y = new Tensor(x.ShapeArray());
        var mean = new float[rows];
        var rstd = new float[rows];
        Kernels.LayerNorm.Forward(xc.FloatData, xc.Offset, wc?.FloatData, wc?.Offset ?? 0, bc?.FloatData, bc?.Offset ?? 0,
            y.FloatData, y.Offset, rows, n, eps, mean, rstd);
        return y.Record(op, AffineInputs(x, weight, bias), g =>
        {
            var gc = g.Contiguous();
            var dx = new Tensor(x.ShapeArray());
            var dw = weight is not null && weight.RequiresGrad ? new Tensor((int[])normalizedShape.Clone()) : null;
            var db = bias is not null && bias.RequiresGrad ? new Tensor((int[])normalizedShape.Clone()) : null;
            Kernels.LayerNorm.Backward(xc.FloatData, xc.Offset, gc.FloatData, gc.Offset, wc?.FloatData, wc?.Offset ?? 0, mean, rstd,
                dx.FloatData, dx.Offset, dw?.FloatData, db?.FloatData, rows, n);
            return AffineGrads(dx, weight, dw, bias, db);
        });
    }

    /// <summary>
    /// SAM's LayerNorm2d on x [B, C, H, W]: per pixel, u = mean over C, s = mean((x − u)²) over C,
    /// y = weight[c]·(x − u)/√(s + eps) + bias[c] (weight, bias [C], each optional). Fused forward and backward.
    /// Reference: facebookresearch/segment-anything, segment_anything/modeling/common.py (LayerNorm2d).
    /// </summary>
    public static Tensor LayerNorm2d(Tensor x, Tensor? weight, Tensor? bias, float eps = 1e-6f)
    {
        const string op = "layer_norm2d";
        x.RequireFloat(op);
        if (x.Rank != 4) throw new TensorShapeException(op, $"expects [B, C, H, W], got {ShapeUtil.Format(x.Shape)}");
        int b = x.shape[0], c = x.shape[1], hw = x.shape[2] * x.shape[3];
        CheckAffine(op, weight, bias, new[] { c });
        var xc = x.Detach().Contiguous();
        var wc = weight?.Detach().Contiguous().ToArray();
        var bc = bias?.Detach().Contiguous().ToArray();
        var y = new Tensor(x.ShapeArray());
        var mean = new float[b * hw];
        var rstd = new float[b * hw];
        if (c > 0) LayerNormChannels.Forward(xc.FloatData, xc.Offset, wc, bc, y.FloatData, y.Offset, b, c, hw, eps, mean, rstd);
        return y.Record(op, AffineInputs(x, weight, bias), g =>
        {
            var gc = g.Contiguous();
            var dx = new Tensor(x.ShapeArray());
            var dw = weight is not null && weight.RequiresGrad ? new Tensor(new[] { c }) : null;
            var db = bias is not null && bias.RequiresGrad ? new Tensor(new[] { c }) : null;
            if (c > 0)
                LayerNormChannels.Backward(xc.FloatData, xc.Offset, gc.FloatData, gc.Offset, wc, mean, rstd, dx.FloatData, dx.Offset,
                    dw?.FloatData, db?.FloatData, b, c, hw);
            return AffineGrads(dx, weight, dw, bias, db);
        });
    }

    private static void CheckAffine(string op, Tensor? weight, Tensor? bias, int[] expected)
    {
        foreach (var (t, name) in new[] { (weight, "weight"), (bias, "bias") })
        {
            if (t is null) continue;
            t.RequireFloat(op);
            if (!t.Shape.SequenceEqual(expected))
                throw new TensorShapeException(op, $"{name} of shape {ShapeUtil.Format(t.Shape)} differs from the normalized shape {ShapeUtil.Format(expected)}");
        }
    }

    private static Tensor[] AffineInputs(Tensor x, Tensor? weight, Tensor? bias)
    {
        var list = new List<Tensor>(3) { x };
        if (weight is not null) list.Add(weight);
        if (bias is not null) list.Add(bias);
        return list.ToArray();
    }

    private static Tensor?[] AffineGrads(Tensor dx, Tensor? weight, Tensor? dw, Tensor? bias, Tensor? db)
    {
        var list = new List<Tensor?>(3) { dx };
        if (weight is not null) list.Add(dw);
        if (bias is not null) list.Add(db);
        return list.ToArray();
    }

    /// <summary>
    /// Inverted dropout (torch.nn.functional.dropout): in training each element is kept with probability 1 − p and
    /// scaled by 1/(1 − p), else zeroed; outside training, or with p = 0, the input itself is returned. Element i is
    /// kept when the generator's i-th uniform draw (Philox, the stream Tensor.Rand uses) is below 1 − p, so the mask
    /// does not depend on the thread count. The mask is kept as bits for the backward.
    /// </summary>
    public Tensor Dropout(float p, Generator? generator, bool training)
    {
        const string op = "dropout";
        RequireFloat(op);
        if (!(p >= 0 && p <= 1)) throw new TensorException(op, $"probability has to be between 0 and 1, but got {p}");
        if (!training || p == 0) return this;
        var gen = generator ?? Generator.Default;
        ulong start = gen.Advance(Numel);
        var xc = Detach().Contiguous();
        var y = new Tensor(ShapeArray());
        var mask = new ulong[(Numel + 63) / 64];
        Kernels.Dropout.Forward(xc.FloatData, xc.Offset, y.FloatData, y.Offset, Numel, p, gen.Seed, start, mask);
        return y.Record(op, new[] { this }, g =>
        {
            var gc = g.Contiguous();
            var dx = new Tensor(ShapeArray());
            Kernels.Dropout.Backward(gc.FloatData, gc.Offset, dx.FloatData, dx.Offset, Numel, p, mask);
            return new[] { dx };
        });
    }

    /// <summary>
    /// The gradient of an elementwise op in one fused pass: map(a, g) with a = the op's saved input or output
    /// (same shape as g), split over the thread team when large.
    /// </summary>
    internal static Tensor FusedBackward<TMap>(Tensor a, Tensor g) where TMap : IVecMap2 => FusedBackward(a, g, VecMap.Run<TMap>);

    /// <summary>run(a, g) elementwise into a new tensor shaped as a, on the thread team when large (a backward from its input and upstream gradient).</summary>
    internal static Tensor FusedBackward(Tensor a, Tensor g, VecMap.SpanMap2 run)
    {
        var ac = a.Detach().Contiguous();
        var gc = g.Contiguous();
        var r = new Tensor(a.ShapeArray());
        VecMap.RunParallel(run, ac.FloatData, ac.Offset, gc.FloatData, gc.Offset, r.FloatData, r.Offset, r.Numel);
        return r;
    }
}
