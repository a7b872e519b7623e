namespace MedFM.Tensors;

/// <summary>Index-driven ops: index_select, gather, scatter(_add), masked_fill, where, sort/argsort, topk.</summary>
public sealed partial class Tensor
{
    /// <summary>Rows of a dimension picked by int64 indices (torch.index_select).</summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        const string op = "index_select";
        index.RequireLong(op);
        if (index.Rank > 1) throw new TensorShapeException(op, $"index must be 0-D or 1-D, got shape {ShapeUtil.Format(index.shape)}");
        RequireFloatStorage(op);
        int d = ShapeUtil.Axis(dim, Rank, op);
        var idx = index.ToLongArray();
        CheckIndices(idx, shape[d], op, d);
        var outShape = ShapeArray();
        outShape[d] = idx.Length;
        var r = new Tensor(outShape, DType);
        var c = Contiguous();
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < Rank; i++) inner *= shape[i];
        var src = c.FloatData.AsSpan(c.Offset, c.Numel);
        var dst = r.Span;
        for (int o = 0; o < outer; o++)
        for (int j = 0; j < idx.Length; j++)
            src.Slice((o * shape[d] + (int)idx[j]) * inner, inner).CopyTo(dst.Slice((o * idx.Length + j) * inner, inner));
        var x = this;
        return r.Record(op, new[] { this }, g =>
        {
            var gi = Zeros(x.ShapeArray());
            var pos = index.Reshape(ExpandIndexShape(idx.Length, d, x.Rank)).Expand(outShape).Contiguous();
            return new[] { gi.ScatterAddInPlace(d, pos, g) };
        });
    }

    /// <summary>out[i][j][k] = this[i][index[i][j][k]][k] for dim = 1 (torch.gather).</summary>
    public Tensor Gather(int dim, Tensor index)
    {
        const string op = "gather";
        index.RequireLong(op);
        RequireFloatStorage(op);
        int d = ShapeUtil.Axis(dim, Rank, op);
        if (index.Rank != Rank) throw new TensorShapeException(op, $"index rank {index.Rank} differs from input rank {Rank}");
        for (int i = 0; i < Rank; i++)
            if (i != d && index.shape[i] > shape[i])
                throw new TensorShapeException(op, $"index shape {ShapeUtil.Format(index.shape)} exceeds input shape {ShapeUtil.Format(shape)} in dimension {i}");
        var r = new Tensor(index.ShapeArray(), DType);
        var idx = index.ToLongArray();
        var dst = r.FloatData;
        var data = FloatData;
        ForEachIndex(index.shape, (flat, coord) =>
        {
            long j = idx[flat];
            if (j < 0 || j >= shape[d]) throw new TensorAxisException(op, $"index {j} out of range for dimension {d} of size {shape[d]}");
            int o = Offset;
            for (int a = 0; a < Rank; a++) o += (a == d ? (int)j : coord[a]) * strides[a];
            dst[flat] = data[o];
        });
        var x = this;
        return r.Record(op, new[] { this }, g => new[] { Zeros(x.ShapeArray()).ScatterAddInPlace(d, index, g) });
    }

    /// <summary>A copy of this tensor with src's values written at index positions along dim (torch.scatter).</summary>
    public Tensor Scatter(int dim, Tensor index, Tensor src)
    {
        var r = Clone().Detach();
        ScatterCore(r, dim, index, src, accumulate: false, "scatter");
        var x = this;
        return r.Record("scatter", new[] { this, src }, g =>
        {
            // The input's gradient is masked where it was overwritten; src's gradient is gathered from the same places.
            var mask = Zeros(x.ShapeArray());
            ScatterCore(mask, dim, index, OnesLike(src), accumulate: false, "scatter");
            return new[] { g.Mul(Scalar(1f).Sub(mask)), g.Gather(dim, index) };
        });
    }

    /// <summary>A copy of this tensor with src's values added at index positions along dim (torch.scatter_add).</summary>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src)
    {
        var r = Clone().Detach();
        ScatterCore(r, dim, index, src, accumulate: true, "scatter_add");
        return r.Record("scatter_add", new[] { this, src }, g => new[] { g, g.Gather(dim, index) });
    }

    /// <summary>In-place scatter-add without recording (used by backward rules).</summary>
    internal Tensor ScatterAddInPlace(int dim, Tensor index, Tensor src)
    {
        ScatterCore(this, dim, index, src, accumulate: true, "scatter_add");
        return this;
    }

    private static void ScatterCore(Tensor target, int dim, Tensor index, Tensor src, bool accumulate, string op)
    {
        index.RequireLong(op);
        int d = ShapeUtil.Axis(dim, target.Rank, op);
        if (index.Rank != target.Rank || src.Rank != target.Rank)
            throw new TensorShapeException(op, $"ranks differ: target {ShapeUtil.Format(target.shape)}, index {ShapeUtil.Format(index.shape)}, src {ShapeUtil.Format(src.shape)}");
        for (int i = 0; i < target.Rank; i++)
            if (index.shape[i] > src.shape[i] || (i != d && index.shape[i] > target.shape[i]))
                throw new TensorShapeException(op, $"index shape {ShapeUtil.Format(index.shape)} does not fit target {ShapeUtil.Format(target.shape)} / src {ShapeUtil.Format(src.shape)}");
        var idx = index.ToLongArray();
        var data = target.FloatData;
        var sdata = src.FloatData;
        ForEachIndex(index.shape, (flat, coord) =>
        {
            long j = idx[flat];
            if (j < 0 || j >= target.shape[d]) throw new TensorAxisException(op, $"index {j} out of range for dimension {d} of size {target.shape[d]}");
            int o = target.Offset, so = src.Offset;
            for (int a = 0; a < target.Rank; a++)
            {
                o += (a == d ? (int)j : coord[a]) * target.strides[a];
                so += coord[a] * src.strides[a];
            }
            data[o] = accumulate ? data[o] + sdata[so] : sdata[so];
        });
    }

    /// <summary>Replaces elements where mask is true (mask broadcasts to this shape).</summary>
    public Tensor MaskedFill(Tensor mask, float value)
    {
        const string op = "masked_fill";
        if (mask.DType != DType.Bool) throw new TensorDTypeException(op, $"mask must be bool, got {mask.DType.Name()}");
        var full = ShapeUtil.Broadcast(shape, mask.shape, op);
        if (!ShapeUtil.SameShape(full, shape))
            throw new TensorShapeException(op, $"mask of shape {ShapeUtil.Format(mask.shape)} would enlarge the input {ShapeUtil.Format(shape)}");
        return Where(mask, Full(value, 1).Reshape(Array.Empty<int>()), this);
    }

    /// <summary>Elementwise choice: a where condition is true, else b (all three broadcast).</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        const string op = "where";
        if (condition.DType != DType.Bool) throw new TensorDTypeException(op, $"condition must be bool, got {condition.DType.Name()}");
        var c = condition.Detach();
        // a·c + b·(1−c) would turn inf·0 into NaN: select through a kernel instead.
        var shape = ShapeUtil.Broadcast(ShapeUtil.Broadcast(c.shape, a.shape, op), b.shape, op);
        var ce = c.Expand(shape).Contiguous();
        var ae = a.Detach().Expand(shape).Contiguous();
        var be = b.Detach().Expand(shape).Contiguous();
        var r = new Tensor(shape);
        var cs = ce.Span;
        var asp = ae.Span;
        var bs = be.Span;
        var d = r.Span;
        for (int i = 0; i < d.Length; i++) d[i] = cs[i] != 0 ? asp[i] : bs[i];
        return r.Record(op, new[] { a, b }, g => new[]
        {
            a.RequiresGrad ? Where(c, g, Zeros(1).Reshape(Array.Empty<int>())).SumTo(a.shape) : null,
            b.RequiresGrad ? Where(c, Zeros(1).Reshape(Array.Empty<int>()), g).SumTo(b.shape) : null,
        });
    }

    /// <summary>Sorted values and their original positions along a dimension (stable).</summary>
    public (Tensor Values, Tensor Indices) Sort(int dim = -1, bool descending = false)
    {
        const string op = "sort";
        RequireFloatStorage(op);
        int d = ShapeUtil.Axis(dim, Rank, op);
        var moved = Transpose(d, Rank - 1).Contiguous().Detach();
        int n = shape[d], rows = n == 0 ? 0 : moved.Numel / n;
        var src = moved.Span;
        var idx = new long[moved.Numel];
        var keys = new int[n];
        for (int r = 0; r < rows; r++)
        {
            var row = src.Slice(r * n, n).ToArray();
            for (int i = 0; i < n; i++) keys[i] = i;
            // Stable: ties keep their original order; NaN sorts as the largest value, as in PyTorch.
            Array.Sort(keys, (p, q) =>
            {
                int c = CompareNaNLast(row[p], row[q]);
                if (descending) c = -c;
                return c != 0 ? c : p.CompareTo(q);
            });
            for (int i = 0; i < n; i++) idx[r * n + i] = keys[i];
        }
        var indices = FromLongs(idx, moved.ShapeArray()).Transpose(d, Rank - 1).Contiguous();
        return (Gather(d, indices), indices);
    }

    public Tensor Argsort(int dim = -1, bool descending = false) => Sort(dim, descending).Indices;

    /// <summary>The k largest (or smallest) values along a dimension, sorted, with their indices.</summary>
    public (Tensor Values, Tensor Indices) Topk(int k, int dim = -1, bool largest = true)
    {
        int d = ShapeUtil.Axis(dim, Rank, "topk");
        if (k < 0 || k > shape[d]) throw new TensorShapeException("topk", $"k = {k} is out of range for dimension {d} of size {shape[d]}");
        var (_, idx) = Sort(d, descending: largest);
        var top = idx.Narrow(d, 0, k).Contiguous();
        return (Gather(d, top), top);
    }

    private static int CompareNaNLast(float a, float b)
    {
        bool na = float.IsNaN(a), nb = float.IsNaN(b);
        if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
        return a.CompareTo(b);
    }

    private static int[] ExpandIndexShape(int n, int dim, int rank)
    {
        var s = new int[rank];
        for (int i = 0; i < rank; i++) s[i] = 1;
        s[dim] = n;
        return s;
    }

    private static void CheckIndices(long[] idx, int size, string op, int dim)
    {
        foreach (var j in idx)
            if (j < 0 || j >= size)
                throw new TensorAxisException(op, $"index {j} out of range for dimension {dim} of size {size}");
    }

    /// <summary>Visits every coordinate of a shape in row-major order with its flat position.</summary>
    private static void ForEachIndex(int[] shape, Action<int, int[]> visit)
    {
        int n = ShapeUtil.Numel(shape);
        var coord = new int[shape.Length];
        for (int flat = 0; flat < n; flat++)
        {
            visit(flat, coord);
            for (int a = shape.Length - 1; a >= 0; a--)
            {
                if (++coord[a] < shape[a]) break;
                coord[a] = 0;
            }
        }
    }
}
