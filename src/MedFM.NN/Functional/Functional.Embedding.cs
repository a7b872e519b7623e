using MedFM.Tensors;

namespace MedFM.NN;

public static partial class Functional
{
    /// <summary>
    /// torch.nn.functional.embedding: rows of weight [num, dim] picked by int64 ids of any shape → [ids..., dim].
    /// The backward scatter-adds into the picked rows; the padding row (if given) receives no gradient.
    /// </summary>
    public static Tensor Embedding(Tensor ids, Tensor weight, int? paddingIdx = null)
    {
        const string op = "embedding";
        if (ids.DType != DType.Int64) throw new TensorDTypeException(op, $"ids must be int64, got {ids.DType.Name()} of shape {ShapeUtil.Format(ids.Shape)}");
        if (weight.Rank != 2) throw new TensorShapeException(op, $"weight must be [num_embeddings, dim], got {ShapeUtil.Format(weight.Shape)}");
        int num = weight.Size(0), dim = weight.Size(1);
        var flat = ids.Contiguous().Reshape(ids.Numel);
        var idx = flat.LongSpan;
        for (int i = 0; i < idx.Length; i++)
            if ((ulong)idx[i] >= (ulong)num)
                throw new TensorAxisException(op, $"id {idx[i]} at position {i} is out of range for {num} embeddings");
        var outShape = new int[ids.Rank + 1];
        ids.Shape.CopyTo(outShape);
        outShape[^1] = dim;
        var rows = weight.IndexSelect(0, flat).Reshape(outShape);                 // [ids..., dim]
        if (paddingIdx is not int pad || !rows.RequiresGrad) return rows;
        // Same values, but no gradient flows to the padding row: pick the detached copy there.
        var keep = new bool[idx.Length];
        int p = pad < 0 ? pad + num : pad;
        for (int i = 0; i < keep.Length; i++) keep[i] = idx[i] != p;
        var keepShape = (int[])outShape.Clone();
        keepShape[^1] = 1;
        var mask = Tensor.FromBools(keep, keepShape);
        return Tensor.Where(mask, rows, rows.Detach());
    }
}
