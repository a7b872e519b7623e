namespace MedFM.Tensors;

/// <summary>Shape arithmetic shared by the ops: element counts, strides, axes, broadcasting, formatting.</summary>
public static class ShapeUtil
{
    public const int MaxRank = 6;

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    public static int Numel(ReadOnlySpan<int> shape, string op = "shape")
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new TensorShapeException(op, $"negative dimension in {Format(shape)}");
            n *= d;
            if (n > int.MaxValue) throw new TensorShapeException(op, $"{Format(shape)} has more than {int.MaxValue} elements");
        }
        return (int)n;
    }

    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    /// <summary>Normalises a possibly negative axis against a rank, or throws naming the op.</summary>
    public static int Axis(int axis, int rank, string op)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new TensorAxisException(op, $"dimension {axis} is out of range for a tensor of rank {rank}");
        return a;
    }

    /// <summary>The broadcast of two shapes (NumPy rules), or a TensorShapeException naming both.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new TensorShapeException(op, $"shapes {Format(a)} and {Format(b)} cannot be broadcast (dimension {i}: {da} vs {db})");
            r[i] = da == 1 ? db : da;
        }
        return r;
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    public static void CheckRank(int rank, string op)
    {
        if (rank > MaxRank) throw new TensorShapeException(op, $"rank {rank} exceeds the supported maximum of {MaxRank}");
    }
}
