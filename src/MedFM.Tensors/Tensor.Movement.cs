namespace MedFM.Tensors;

/// <summary>Views and layout: reshape, permute, narrow, expand, squeeze, contiguous. Views share storage.</summary>
public sealed partial class Tensor
{
    private Tensor ViewOf(int[] newShape, int[] newStrides, int newOffset) => new(Storage, newShape, newStrides, newOffset, DType);

    /// <summary>A contiguous tensor with the same elements: this one if already contiguous, else a copy.</summary>
    public Tensor Contiguous()
    {
        if (IsContiguous) return this;
        var r = new Tensor(ShapeArray(), DType);
        CopyInto(r);
        return r.Record("contiguous", new[] { this }, g => new[] { g });
    }

    /// <summary>Same elements, new shape (one entry may be -1). A view when strides allow it, else a copy.</summary>
    public Tensor Reshape(params int[] newShape)
    {
        var target = InferShape(newShape, "reshape");
        var st = ViewStrides(target);
        if (st is null) return Contiguous().Reshape(target);
        var input = this;
        var r = ViewOf(target, st, Offset);
        return r.Record("reshape", new[] { this }, g => new[] { g.Reshape(input.shape) });
    }

    /// <summary>As Reshape, but fails instead of copying when the strides do not allow a view.</summary>
    public Tensor View(params int[] newShape)
    {
        var target = InferShape(newShape, "view");
        var st = ViewStrides(target) ?? throw new TensorShapeException("view",
            $"a view of shape {ShapeUtil.Format(target)} is impossible on a tensor of shape {ShapeUtil.Format(shape)} with strides {ShapeUtil.Format(strides)}; use Reshape()");
        var input = this;
        return ViewOf(target, st, Offset).Record("view", new[] { this }, g => new[] { g.Reshape(input.shape) });
    }

    /// <summary>Merges dimensions [start, end] into one.</summary>
    public Tensor Flatten(int start = 0, int end = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = ShapeUtil.Axis(start, Rank, "flatten"), e = ShapeUtil.Axis(end, Rank, "flatten");
        if (s > e) throw new TensorAxisException("flatten", $"start dimension {start} is after end dimension {end}");
        var ns = new List<int>();
        for (int i = 0; i < s; i++) ns.Add(shape[i]);
        int m = 1;
        for (int i = s; i <= e; i++) m *= shape[i];
        ns.Add(m);
        for (int i = e + 1; i < Rank; i++) ns.Add(shape[i]);
        return Reshape(ns.ToArray());
    }

    /// <summary>Reorders dimensions: result dimension i is this tensor's dimension dims[i].</summary>
    public Tensor Permute(params int[] dims)
    {
        if (dims.Length != Rank)
            throw new TensorAxisException("permute", $"{dims.Length} dimensions given for a tensor of rank {Rank} (shape {ShapeUtil.Format(shape)})");
        var ns = new int[Rank];
        var nst = new int[Rank];
        var inverse = new int[Rank];
        var seen = new bool[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int d = ShapeUtil.Axis(dims[i], Rank, "permute");
            if (seen[d]) throw new TensorAxisException("permute", $"dimension {d} repeated in ({string.Join(", ", dims)})");
            seen[d] = true;
            ns[i] = shape[d];
            nst[i] = strides[d];
            inverse[d] = i;
        }
        return ViewOf(ns, nst, Offset).Record("permute", new[] { this }, g => new[] { g.Permute(inverse) });
    }

    /// <summary>Swaps two dimensions.</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        var p = new int[Rank];
        for (int i = 0; i < Rank; i++) p[i] = i;
        int a = ShapeUtil.Axis(dim0, Rank, "transpose"), b = ShapeUtil.Axis(dim1, Rank, "transpose");
        (p[a], p[b]) = (p[b], p[a]);
        return Permute(p);
    }

    /// <summary>The transpose of a 2-D tensor (swaps the last two dimensions of higher ranks).</summary>
    public Tensor T => Rank < 2 ? this : Transpose(-2, -1);

    /// <summary>Elements [start, start + length) along a dimension, as a view.</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        int d = ShapeUtil.Axis(dim, Rank, "narrow");
        if (start < 0) start += shape[d];
        if (start < 0 || length < 0 || start + length > shape[d])
            throw new TensorShapeException("narrow", $"range [{start}, {start + length}) outside dimension {d} of size {shape[d]} (shape {ShapeUtil.Format(shape)})");
        return Slice(d, start, start + length);
    }

    /// <summary>Python-style slice along a dimension: [start, end) with a positive step; negative bounds count from the end.</summary>
    public Tensor Slice(int dim, int start, int end, int step = 1)
    {
        int d = ShapeUtil.Axis(dim, Rank, "slice");
        if (step <= 0) throw new TensorException("slice", $"step must be positive, got {step}");
        int n = shape[d];
        if (start < 0) start += n;
        if (end < 0) end += n;
        start = Math.Clamp(start, 0, n);
        end = Math.Clamp(end, start, n);
        var ns = ShapeArray();
        var nst = (int[])strides.Clone();
        ns[d] = (end - start + step - 1) / step;
        nst[d] = strides[d] * step;
        var input = this;
        int s0 = start;
        return ViewOf(ns, nst, Offset + start * strides[d]).Record("slice", new[] { this }, g =>
        {
            var gi = Zeros(input.ShapeArray());
            gi.Slice(d, s0, end, step).CopyFrom(g);
            return new[] { gi };
        });
    }

    /// <summary>The sub-tensor at one index of a dimension; the dimension is removed.</summary>
    public Tensor Select(int dim, int index)
    {
        int d = ShapeUtil.Axis(dim, Rank, "select");
        int ix = index < 0 ? index + shape[d] : index;
        if ((uint)ix >= (uint)shape[d])
            throw new TensorAxisException("select", $"index {index} out of range for dimension {d} of size {shape[d]}");
        return Narrow(d, ix, 1).Squeeze(d);
    }

    /// <summary>Broadcasts size-1 dimensions (and new leading ones) to a larger shape without copying; -1 keeps a size.</summary>
    public Tensor Expand(params int[] newShape)
    {
        if (newShape.Length < Rank)
            throw new TensorShapeException("expand", $"cannot expand shape {ShapeUtil.Format(shape)} to fewer dimensions {ShapeUtil.Format(newShape)}");
        int lead = newShape.Length - Rank;
        var ns = new int[newShape.Length];
        var nst = new int[newShape.Length];
        for (int i = 0; i < newShape.Length; i++)
        {
            int src = i - lead;
            int want = newShape[i];
            if (src < 0)
            {
                if (want < 0) throw new TensorShapeException("expand", $"-1 is not allowed for the new leading dimension {i}");
                ns[i] = want;
                nst[i] = 0;
            }
            else if (want == -1 || want == shape[src])
            {
                ns[i] = shape[src];
                nst[i] = strides[src];
            }
            else if (shape[src] == 1)
            {
                ns[i] = want;
                nst[i] = 0;
            }
            else
            {
                throw new TensorShapeException("expand", $"shape {ShapeUtil.Format(shape)} cannot expand to {ShapeUtil.Format(newShape)} (dimension {i}: {shape[src]} vs {want})");
            }
        }
        var input = this;
        return ViewOf(ns, nst, Offset).Record("expand", new[] { this }, g => new[] { g.SumTo(input.shape) });
    }

    public Tensor ExpandAs(Tensor other) => Expand(other.ShapeArray());

    /// <summary>Inserts a size-1 dimension at position dim (negative counts from the end of the result).</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = ShapeUtil.Axis(dim, Rank + 1, "unsqueeze");
        var ns = new List<int>(shape);
        ns.Insert(d, 1);
        return Reshape(ns.ToArray());
    }

    /// <summary>Removes a size-1 dimension (a dimension of another size is left as is, like PyTorch).</summary>
    public Tensor Squeeze(int dim)
    {
        int d = ShapeUtil.Axis(dim, Rank, "squeeze");
        if (shape[d] != 1) return this;
        var ns = new List<int>(shape);
        ns.RemoveAt(d);
        return Reshape(ns.ToArray());
    }

    /// <summary>Removes every size-1 dimension.</summary>
    public Tensor Squeeze()
    {
        var ns = new List<int>();
        foreach (var s in shape) if (s != 1) ns.Add(s);
        return Reshape(ns.ToArray());
    }

    private int[] InferShape(int[] requested, string op)
    {
        ShapeUtil.CheckRank(requested.Length, op);
        var r = (int[])requested.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < r.Length; i++)
        {
            if (r[i] == -1)
            {
                if (infer >= 0) throw new TensorShapeException(op, $"only one dimension can be -1 in {ShapeUtil.Format(requested)}");
                infer = i;
            }
            else if (r[i] < 0) throw new TensorShapeException(op, $"invalid dimension {r[i]} in {ShapeUtil.Format(requested)}");
            else known *= r[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || Numel % known != 0)
                throw new TensorShapeException(op, $"shape {ShapeUtil.Format(requested)} is invalid for {Numel} elements (input {ShapeUtil.Format(shape)})");
            r[infer] = (int)(Numel / known);
        }
        else if (known != Numel)
        {
            throw new TensorShapeException(op, $"shape {ShapeUtil.Format(requested)} is invalid for input of shape {ShapeUtil.Format(shape)} ({Numel} elements)");
        }
        return r;
    }

    /// <summary>Strides for viewing this tensor with a new shape, or null when a copy is needed (as PyTorch's computeStride).</summary>
    private int[]? ViewStrides(int[] target)
    {
        if (IsContiguous) return ShapeUtil.ContiguousStrides(target);
        var result = new int[target.Length];
        if (Numel == 0) return ShapeUtil.ContiguousStrides(target);
        int viewD = target.Length - 1;
        long chunkBaseStride = strides[Rank - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = Rank - 1; d >= 0; d--)
        {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBaseStride))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] == 1))
                {
                    result[viewD] = (int)(viewNumel * chunkBaseStride);
                    viewNumel *= target[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0)
                {
                    chunkBaseStride = strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? result : null;
    }
}
