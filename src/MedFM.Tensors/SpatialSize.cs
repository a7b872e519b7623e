namespace MedFM.Tensors;

/// <summary>
/// A (height, width) pair for 2-D spatial ops: kernel size, stride, padding, dilation, output size.
/// Converts implicitly from one int (used for both, as PyTorch's <c>_pair</c>) or from a tuple <c>(h, w)</c>.
/// </summary>
public readonly record struct Int2(int H, int W)
{
    public static implicit operator Int2(int v) => new(v, v);

    public static implicit operator Int2((int H, int W) t) => new(t.H, t.W);

    /// <summary>As a 3-D triple with depth d (2-D ops run as 3-D ones of depth 1).</summary>
    internal Int3 WithDepth(int d) => new(d, H, W);

    public override string ToString() => $"({H}, {W})";
}

/// <summary>
/// A (depth, height, width) triple for 3-D spatial ops. Converts implicitly from one int (used for all three)
/// or from a tuple <c>(d, h, w)</c>.
/// </summary>
public readonly record struct Int3(int D, int H, int W)
{
    public static implicit operator Int3(int v) => new(v, v, v);

    public static implicit operator Int3((int D, int H, int W) t) => new(t.D, t.H, t.W);

    /// <summary>The product D·H·W.</summary>
    public int Volume => D * H * W;

    public int this[int axis] => axis switch
    {
        0 => D,
        1 => H,
        2 => W,
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "a spatial axis is 0 (D), 1 (H) or 2 (W)"),
    };

    public override string ToString() => $"({D}, {H}, {W})";
}
