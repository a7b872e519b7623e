namespace MedFM.Tensors;

/// <summary>Joining and splitting: cat, stack, split, chunk, constant pad.</summary>
public sealed partial class Tensor
{
    /// <summary>Concatenates tensors of equal shape except along dim.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        const string op = "cat";
        if (tensors.Count == 0) throw new TensorShapeException(op, "needs at least one tensor");
        var first = tensors[0];
        int d = ShapeUtil.Axis(dim, first.Rank, op);
        var outShape = first.ShapeArray();
        outShape[d] = 0;
        foreach (var t in tensors)
        {
            if (t.Rank != first.Rank || t.DType != first.DType)
                throw new TensorShapeException(op, $"tensors differ in rank or type: {Describe(tensors)}");
            for (int i = 0; i < t.Rank; i++)
                if (i != d && t.shape[i] != first.shape[i])
                    throw new TensorShapeException(op, $"sizes must match except in dimension {d}: {Describe(tensors)}");
            outShape[d] += t.shape[d];
        }
        var r = new Tensor(outShape, first.DType);
        int pos = 0;
        foreach (var t in tensors)
        {
            var view = r.Detach().Narrow(d, pos, t.shape[d]);
            view.CopyFrom(t);
            pos += t.shape[d];
        }
        var inputs = tensors.ToArray();
        return r.Record(op, inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            int p = 0;
            for (int i = 0; i < inputs.Length; i++)
            {
                grads[i] = g.Narrow(d, p, inputs[i].shape[d]);
                p += inputs[i].shape[d];
            }
            return grads;
        });
    }

    /// <summary>Stacks tensors of equal shape along a new dimension.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new TensorShapeException("stack", "needs at least one tensor");
        var first = tensors[0];
        foreach (var t in tensors)
            if (!ShapeUtil.SameShape(t.shape, first.shape))
                throw new TensorShapeException("stack", $"all tensors must have the same shape: {Describe(tensors)}");
        int d = ShapeUtil.Axis(dim, first.Rank + 1, "stack");
        var parts = new Tensor[tensors.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = tensors[i].Unsqueeze(d);
        return Cat(parts, d);
    }

    /// <summary>Splits into pieces of the given size along dim (the last may be smaller), as views.</summary>
    public Tensor[] Split(int size, int dim = 0)
    {
        int d = ShapeUtil.Axis(dim, Rank, "split");
        if (size <= 0) throw new TensorShapeException("split", $"split size must be positive, got {size}");
        var parts = new List<Tensor>();
        for (int p = 0; p < shape[d]; p += size) parts.Add(Narrow(d, p, Math.Min(size, shape[d] - p)));
        return parts.ToArray();
    }

    /// <summary>Splits into pieces of the listed sizes along dim, as views.</summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        int d = ShapeUtil.Axis(dim, Rank, "split");
        if (sizes.Sum() != shape[d])
            throw new TensorShapeException("split", $"sizes ({string.Join(", ", sizes)}) do not add up to dimension {d} of shape {ShapeUtil.Format(shape)}");
        var parts = new Tensor[sizes.Length];
        int p = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            parts[i] = Narrow(d, p, sizes[i]);
            p += sizes[i];
        }
        return parts;
    }

    /// <summary>Splits into n nearly equal pieces (torch.chunk: ceil-sized pieces, possibly fewer than n).</summary>
    public Tensor[] Chunk(int n, int dim = 0)
    {
        if (n <= 0) throw new TensorShapeException("chunk", $"number of chunks must be positive, got {n}");
        int d = ShapeUtil.Axis(dim, Rank, "chunk");
        return Split(Math.Max(1, (shape[d] + n - 1) / n), d);
    }

    /// <summary>
    /// Constant padding as torch.nn.functional.pad: pads lists (before, after) pairs starting from the LAST dimension.
    /// Negative amounts crop.
    /// </summary>
    public Tensor Pad(int[] pads, float value = 0f)
    {
        const string op = "pad";
        if (pads.Length % 2 != 0 || pads.Length / 2 > Rank)
            throw new TensorShapeException(op, $"{pads.Length} pad values for a tensor of rank {Rank}: give (before, after) pairs for up to {Rank} trailing dimensions");
        var outShape = ShapeArray();
        var src = this;
        for (int i = 0; i < pads.Length / 2; i++)
        {
            int d = Rank - 1 - i;
            outShape[d] += pads[2 * i] + pads[2 * i + 1];
            if (outShape[d] < 0) throw new TensorShapeException(op, $"padding ({pads[2 * i]}, {pads[2 * i + 1]}) makes dimension {d} of shape {ShapeUtil.Format(shape)} negative");
        }
        var r = Full(value, outShape);
        // The region of the output that receives input elements, and the matching input region (negative pads crop).
        var inView = src.Detach();
        var outView = r.Detach();
        for (int i = 0; i < pads.Length / 2; i++)
        {
            int d = Rank - 1 - i, before = pads[2 * i], after = pads[2 * i + 1];
            int inStart = Math.Max(0, -before), inEnd = shape[d] - Math.Max(0, -after);
            int len = Math.Max(0, inEnd - inStart);
            inView = inView.Narrow(d, Math.Min(inStart, shape[d]), len);
            outView = outView.Narrow(d, Math.Max(0, before), len);
        }
        outView.CopyFrom(inView);
        var x = this;
        return r.Record(op, new[] { this }, g =>
        {
            var neg = new int[pads.Length];
            for (int i = 0; i < pads.Length; i++) neg[i] = -pads[i];
            return new[] { g.Pad(neg) };
        });
    }

    private static string Describe(IReadOnlyList<Tensor> ts) =>
        string.Join(", ", ts.Select(t => ShapeUtil.Format(t.shape) + " " + t.DType.Name()));
}
