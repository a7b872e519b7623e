using MedFM.Tensors.Kernels;

namespace MedFM.Tensors;

/// <summary>Reductions: sum, mean, amax/amin, max/min with indices, argmax, var/std, and SumTo for broadcast gradients.</summary>
public sealed partial class Tensor
{
    /// <summary>Sum of all elements (0-D).</summary>
    public Tensor Sum() => Sum(AllDims(), keepDim: false);

    public Tensor Sum(int dim, bool keepDim = false) => Sum(new[] { dim }, keepDim);

    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        var x = this;
        var r = ReduceDims(ReduceKind.Sum, dims, keepDim, "sum", out var kept);
        return r.Record("sum", new[] { this }, g => new[] { g.Reshape(kept).Expand(x.shape) });
    }

    public Tensor Mean() => Mean(AllDims(), keepDim: false);

    public Tensor Mean(int dim, bool keepDim = false) => Mean(new[] { dim }, keepDim);

    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        int count = ReducedCount(dims, "mean");
        return Sum(dims, keepDim).Div(Math.Max(count, 1));
    }

    /// <summary>Maximum over dimensions; the gradient is shared evenly among tied maxima (torch.amax).</summary>
    public Tensor Amax(int[] dims, bool keepDim = false) => Extreme(ReduceKind.Max, dims, keepDim, "amax");

    public Tensor Amin(int[] dims, bool keepDim = false) => Extreme(ReduceKind.Min, dims, keepDim, "amin");

    /// <summary>Maximum of all elements (0-D).</summary>
    public Tensor Max() => Amax(AllDims());

    public Tensor Min() => Amin(AllDims());

    private Tensor Extreme(ReduceKind kind, int[] dims, bool keepDim, string op)
    {
        var x = this;
        var r = ReduceDims(kind, dims, keepDim, op, out var kept);
        return r.Record(op, new[] { this }, g =>
        {
            var xd = x.Detach();
            var mask = xd.Eq(r.Detach().Reshape(kept));
            var count = mask.Sum(dims, keepDim: true);
            return new[] { g.Reshape(kept).Mul(mask).Div(count) };
        });
    }

    /// <summary>Maximum along one dimension with the index of its first occurrence (torch.max(dim)).</summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => ArgExtremeOp(true, dim, keepDim, "max");

    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => ArgExtremeOp(false, dim, keepDim, "min");

    public Tensor ArgMax(int dim, bool keepDim = false) => Max(dim, keepDim).Indices;

    public Tensor ArgMin(int dim, bool keepDim = false) => Min(dim, keepDim).Indices;

    private (Tensor, Tensor) ArgExtremeOp(bool max, int dim, bool keepDim, string op)
    {
        RequireFloatStorage(op);
        int d = ShapeUtil.Axis(dim, Rank, op);
        var c = Contiguous();
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < Rank; i++) inner *= shape[i];
        if (shape[d] == 0) throw new TensorShapeException(op, $"cannot reduce an empty dimension {d} of shape {ShapeUtil.Format(shape)}");
        var kept = ShapeArray();
        kept[d] = 1;
        var outShape = keepDim ? kept : RemoveDim(shape, d);
        var values = new Tensor(outShape);
        var indices = new Tensor(outShape, DType.Int64);
        Kernels.Reduce.ArgExtreme(max, c.Span, values.Span, indices.LongSpan, outer, shape[d], inner);
        var x = this;
        values.Record(op, new[] { this }, g =>
        {
            var gi = Zeros(x.ShapeArray());
            return new[] { gi.ScatterAddInPlace(d, indices.Reshape(kept), g.Reshape(kept)) };
        });
        return (values, indices);
    }

    /// <summary>Variance over dimensions with Bessel's correction by default (torch.var, correction=1).</summary>
    public Tensor Var(int[] dims, bool keepDim = false, int correction = 1)
    {
        int n = ReducedCount(dims, "var");
        var mean = Mean(dims, keepDim: true);
        var sq = Sub(mean).Square().Sum(dims, keepDim);
        return sq.Div(Math.Max(0, n - correction));
    }

    public Tensor Var(int dim, bool keepDim = false, int correction = 1) => Var(new[] { dim }, keepDim, correction);

    public Tensor Std(int[] dims, bool keepDim = false, int correction = 1) => Var(dims, keepDim, correction).Sqrt();

    /// <summary>Sums a broadcast gradient back down to a shape it was broadcast from.</summary>
    public Tensor SumTo(ReadOnlySpan<int> target)
    {
        if (ShapeUtil.SameShape(shape, target)) return this;
        int lead = Rank - target.Length;
        if (lead < 0) throw new TensorShapeException("sum_to", $"cannot sum shape {ShapeUtil.Format(shape)} to larger shape {ShapeUtil.Format(target)}");
        var dims = new List<int>();
        for (int i = 0; i < Rank; i++)
            if (i < lead || (target[i - lead] == 1 && shape[i] != 1)) dims.Add(i);
        var t = dims.Count == 0 ? this : Sum(dims.ToArray(), keepDim: true);
        return t.Reshape(target.ToArray());
    }

    // ---- machinery ----------------------------------------------------------------------------------------------

    private int[] AllDims()
    {
        var d = new int[Rank];
        for (int i = 0; i < Rank; i++) d[i] = i;
        return d;
    }

    private int ReducedCount(int[] dims, string op)
    {
        int n = 1;
        foreach (var d in NormalizeDims(dims, op)) n *= shape[d];
        return n;
    }

    private int[] NormalizeDims(int[] dims, string op)
    {
        var set = new SortedSet<int>();
        foreach (var d in dims)
            if (!set.Add(ShapeUtil.Axis(d, Rank, op)))
                throw new TensorAxisException(op, $"dimension {d} repeated");
        return set.ToArray();
    }

    private static int[] RemoveDim(int[] shape, int d)
    {
        var r = new int[shape.Length - 1];
        for (int i = 0, j = 0; i < shape.Length; i++) if (i != d) r[j++] = shape[i];
        return r;
    }

    /// <summary>Reduces the given dimensions; kept is the result shape with size-1 reduced dimensions.</summary>
    private Tensor ReduceDims(ReduceKind kind, int[] dims, bool keepDim, string op, out int[] kept)
    {
        RequireFloatStorage(op);
        var nd = Rank == 0 ? Array.Empty<int>() : NormalizeDims(dims, op);
        kept = ShapeArray();
        foreach (var d in nd) kept[d] = 1;
        var outShape = keepDim ? (int[])kept.Clone() : Array.FindAll(Enumerable.Range(0, Rank).ToArray(), i => Array.IndexOf(nd, i) < 0).Select(i => shape[i]).ToArray();
        if (kind != ReduceKind.Sum && nd.Any(d => shape[d] == 0))
            throw new TensorShapeException(op, $"cannot reduce an empty dimension of shape {ShapeUtil.Format(shape)}");
        var r = new Tensor(outShape);
        bool adjacent = nd.Length == 0 || nd[^1] - nd[0] == nd.Length - 1;
        Tensor src = this;
        int outer = 1, red = 1, inner = 1;
        if (adjacent && nd.Length > 0)
        {
            for (int i = 0; i < nd[0]; i++) outer *= shape[i];
            foreach (var d in nd) red *= shape[d];
            for (int i = nd[^1] + 1; i < Rank; i++) inner *= shape[i];
        }
        else if (nd.Length > 0)
        {
            // Bring the reduced dimensions last: [kept..., reduced...].
            var perm = Enumerable.Range(0, Rank).Where(i => Array.IndexOf(nd, i) < 0).Concat(nd).ToArray();
            using (Autograd.GradMode.Disable()) src = Permute(perm);
            foreach (var d in nd) red *= shape[d];
            outer = Numel / Math.Max(red, 1);
        }
        else
        {
            outer = Numel;
        }
        var c = src.Contiguous();
        Kernels.Reduce.Run(kind, c.FloatData.AsSpan(c.Offset, c.Numel), r.Span, outer, red, inner);
        return r;
    }
}
