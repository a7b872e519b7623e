using MedFM.Tensors;

namespace MedFM.Training.Losses;

/// <summary>How a loss reduces its per-element values (torch's reduction argument).</summary>
public enum Reduction
{
    None,
    Mean,
    Sum,
}

/// <summary>Shared pieces of the losses: reductions and the (log-)softmax they use.</summary>
internal static class LossOps
{
    public static Tensor Reduce(Tensor elements, Reduction reduction) => reduction switch
    {
        Reduction.None => elements,
        Reduction.Sum => elements.Sum(),
        Reduction.Mean => elements.Mean(),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "unknown reduction"),
    };

    /// <summary>Log-softmax along dim (the engine's fused kernel).</summary>
    public static Tensor LogSoftmax(Tensor x, int dim) => x.LogSoftmax(dim);

    /// <summary>Softmax along dim (the engine's fused kernel).</summary>
    public static Tensor Softmax(Tensor x, int dim) => x.Softmax(dim);

    /// <summary>[1, C, 1, ...] view shape for per-class vectors against [N, C, ...].</summary>
    public static int[] ClassShape(int c, int rank)
    {
        var s = Enumerable.Repeat(1, rank).ToArray();
        s[1] = c;
        return s;
    }

    public static void SameShape(Tensor a, Tensor b, string op)
    {
        if (!a.Shape.SequenceEqual(b.Shape))
            throw new TensorShapeException(op, $"input {ShapeUtil.Format(a.Shape)} and target {ShapeUtil.Format(b.Shape)} must have the same shape");
    }
}
