using System.Numerics.Tensors;

namespace MedFM.Tensors.Kernels;

public enum ReduceKind
{
    Sum,
    Max,
    Min,
}

/// <summary>
/// Reductions over the middle axis of a dense [outer, reduce, inner] block: the layout every reduction is brought
/// to. inner = 1 reduces contiguous runs; inner &gt; 1 accumulates whole rows with span ops.
/// </summary>
public static class Reduce
{
    public static void Run(ReduceKind kind, ReadOnlySpan<float> src, Span<float> dst, int outer, int reduce, int inner)
    {
        if (reduce == 0)
        {
            dst[..(outer * inner)].Fill(kind switch { ReduceKind.Sum => 0f, ReduceKind.Max => float.NegativeInfinity, _ => float.PositiveInfinity });
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var block = src.Slice(o * reduce * inner, reduce * inner);
            if (inner == 1)
            {
                dst[o] = kind switch
                {
                    ReduceKind.Sum => TensorPrimitives.Sum(block),
                    ReduceKind.Max => TensorPrimitives.Max(block),
                    _ => TensorPrimitives.Min(block),
                };
                continue;
            }
            var acc = dst.Slice(o * inner, inner);
            block[..inner].CopyTo(acc);
            for (int r = 1; r < reduce; r++)
            {
                var row = block.Slice(r * inner, inner);
                switch (kind)
                {
                    case ReduceKind.Sum: TensorPrimitives.Add(acc, row, acc); break;
                    case ReduceKind.Max: TensorPrimitives.Max(acc, row, acc); break;
                    default: TensorPrimitives.Min(acc, row, acc); break;
                }
            }
        }
    }

    /// <summary>Maximum (or minimum) and the index of its first occurrence along the middle axis; NaN wins, as in PyTorch.</summary>
    public static void ArgExtreme(bool max, ReadOnlySpan<float> src, Span<float> values, Span<long> indices, int outer, int reduce, int inner)
    {
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            int basePos = o * reduce * inner + i;
            float best = src[basePos];
            int bestIx = 0;
            for (int r = 1; r < reduce && !float.IsNaN(best); r++)
            {
                float v = src[basePos + r * inner];
                if (float.IsNaN(v) || (max ? v > best : v < best))
                {
                    best = v;
                    bestIx = r;
                }
            }
            values[o * inner + i] = best;
            indices[o * inner + i] = bestIx;
        }
    }
}
