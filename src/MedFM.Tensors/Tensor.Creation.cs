namespace MedFM.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// While the returned scope is open, new tensors on this thread get shapes but no storage (PyTorch's meta device):
    /// building a model inside lists its keys and shapes without allocating or initialising its weights. Reading a
    /// meta tensor's data throws.
    /// </summary>
    public static IDisposable MetaScope()
    {
        Storage.MetaDepth++;
        return new DepthGuard(() => Storage.MetaDepth--);
    }

    /// <summary>
    /// While the returned scope is open, the random initialisers on this thread (<see cref="Rand(Random.Generator?, int[], float, float)"/>,
    /// <see cref="Randn(Random.Generator?, int[], float, float)"/>, <see cref="TruncNormal"/>) give zeros without drawing, as
    /// torch's skip_init: a model built only to be filled from a checkpoint (strictly, so every parameter is overwritten)
    /// saves its initialisation, some 86 million draws for a ViT-B. The generator still advances by the draws skipped,
    /// so later draws are the same as without the scope.
    /// </summary>
    public static IDisposable SkipInitScope()
    {
        Storage.SkipInitDepth++;
        return new DepthGuard(() => Storage.SkipInitDepth--);
    }

    private sealed class DepthGuard(Action leave) : IDisposable
    {
        private bool done;

        public void Dispose()
        {
            if (done) return;
            done = true;
            leave();
        }
    }

    /// <summary>Whether this tensor was created under <see cref="MetaScope"/> (shape only).</summary>
    public bool IsMeta => Storage.IsMeta;

    public static Tensor Empty(params int[] shape) => new(Checked(shape, "empty"));

    public static Tensor Zeros(params int[] shape) => new(Checked(shape, "zeros"), DType.Float32, zero: true);

    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    public static Tensor Full(float value, params int[] shape)
    {
        var t = new Tensor(Checked(shape, "full"));
        if (t.Storage.IsMeta) return t;
        t.Span.Fill(value);
        return t;
    }

    public static Tensor ZerosLike(Tensor t) => Zeros(t.ShapeArray());

    public static Tensor OnesLike(Tensor t) => Ones(t.ShapeArray());

    public static Tensor FullLike(Tensor t, float value) => Full(value, t.ShapeArray());

    /// <summary>A 0-D tensor.</summary>
    public static Tensor Scalar(float value)
    {
        var t = new Tensor(Array.Empty<int>());
        t.Storage.Floats[0] = value;
        return t;
    }

    /// <summary>A float32 tensor holding a copy of data, in row-major order.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> data, params int[] shape)
    {
        CheckLength(data.Length, shape, "from_array");
        var t = new Tensor(Checked(shape, "from_array"));
        data.CopyTo(t.Span);
        return t;
    }

    /// <summary>A 1-D float32 tensor holding a copy of data.</summary>
    public static Tensor FromArray(float[] data) => FromArray(data, data.Length);

    /// <summary>A float32 tensor over data without copying: later writes to data show through.</summary>
    public static Tensor Wrap(float[] data, params int[] shape)
    {
        CheckLength(data.Length, shape, "wrap");
        var s = Checked(shape, "wrap");
        return new Tensor(Storage.WrapFloats(data), s, ShapeUtil.ContiguousStrides(s), 0, DType.Float32);
    }

    /// <summary>An int64 tensor holding a copy of data.</summary>
    public static Tensor FromLongs(ReadOnlySpan<long> data, params int[] shape)
    {
        CheckLength(data.Length, shape, "from_longs");
        var t = new Tensor(Checked(shape, "from_longs"), DType.Int64);
        if (t.Storage.IsMeta) return t;
        data.CopyTo(t.LongSpan);
        return t;
    }

    public static Tensor FromLongs(long[] data) => FromLongs(data, data.Length);

    /// <summary>A bool tensor (stored as 0/1) from a copy of data.</summary>
    public static Tensor FromBools(ReadOnlySpan<bool> data, params int[] shape)
    {
        CheckLength(data.Length, shape, "from_bools");
        var t = new Tensor(Checked(shape, "from_bools"), DType.Bool);
        var s = t.Storage.Floats;
        for (int i = 0; i < data.Length; i++) s[i] = data[i] ? 1f : 0f;
        return t;
    }

    /// <summary>Converts IEEE half-precision bit patterns (as stored in checkpoints) to a float32 tensor.</summary>
    public static Tensor FromHalf(ReadOnlySpan<ushort> bits, params int[] shape)
    {
        CheckLength(bits.Length, shape, "from_half");
        var t = new Tensor(Checked(shape, "from_half"));
        var d = t.Span;
        for (int i = 0; i < bits.Length; i++) d[i] = (float)BitConverter.UInt16BitsToHalf(bits[i]);
        return t;
    }

    /// <summary>Converts bfloat16 bit patterns (the upper half of a float32) to a float32 tensor.</summary>
    public static Tensor FromBFloat16(ReadOnlySpan<ushort> bits, params int[] shape)
    {
        CheckLength(bits.Length, shape, "from_bfloat16");
        var t = new Tensor(Checked(shape, "from_bfloat16"));
        var d = t.Span;
        for (int i = 0; i < bits.Length; i++) d[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
        return t;
    }

    /// <summary>0, 1, ..., n-1 as float32 (as torch.arange(n, dtype=float)).</summary>
    public static Tensor Arange(int n) => Arange(0, n, 1);

    public static Tensor Arange(float start, float end, float step = 1f)
    {
        if (step == 0) throw new TensorException("arange", "step must be non-zero");
        int n = Math.Max(0, (int)Math.Ceiling((end - start) / step));
        var t = new Tensor(new[] { n });
        var d = t.Span;
        for (int i = 0; i < n; i++) d[i] = start + i * step;
        return t;
    }

    /// <summary>0, 1, ..., n-1 as int64.</summary>
    public static Tensor ArangeLong(int n)
    {
        var t = new Tensor(new[] { n }, DType.Int64);
        var d = t.LongSpan;
        for (int i = 0; i < n; i++) d[i] = i;
        return t;
    }

    public static Tensor Linspace(float start, float end, int steps)
    {
        if (steps < 0) throw new TensorException("linspace", $"steps must be non-negative, got {steps}");
        var t = new Tensor(new[] { steps });
        var d = t.Span;
        for (int i = 0; i < steps; i++)
            d[i] = steps == 1 ? start : (i < steps / 2 ? start + (end - start) / (steps - 1) * i : end - (end - start) / (steps - 1) * (steps - 1 - i));
        return t;
    }

    public static Tensor Eye(int n)
    {
        var t = Zeros(n, n);
        var d = t.Span;
        for (int i = 0; i < n; i++) d[i * n + i] = 1f;
        return t;
    }

    /// <summary>A contiguous copy with its own storage (recorded on the tape).</summary>
    public Tensor Clone()
    {
        var r = new Tensor(ShapeArray(), DType);
        CopyInto(r);
        return r.Record("clone", new[] { this }, g => new[] { g });
    }

    /// <summary>Copies src's elements into this tensor (shapes broadcast to this one). Not recorded: for buffers and parameters.</summary>
    public Tensor CopyFrom(Tensor src)
    {
        if (src.DType.UsesFloatStorage() != DType.UsesFloatStorage())
            throw new TensorDTypeException("copy", $"cannot copy {src.DType.Name()} into {DType.Name()}");
        var s = src.Rank == Rank && ShapeUtil.SameShape(src.Shape, Shape) ? src : src.Expand(ShapeArray());
        var tmp = s.Contiguous();
        if (DType == DType.Int64) Kernels.Strided.Scatter<long>(tmp.LongSpan, Storage.Longs, Offset, shape, strides);
        else Kernels.Strided.Scatter<float>(tmp.Storage.Floats.AsSpan(tmp.Offset, tmp.Numel), Storage.Floats, Offset, shape, strides);
        Storage.MarkWritten();
        return this;
    }

    /// <summary>Writes this tensor's elements in logical order into a contiguous tensor of the same shape.</summary>
    internal void CopyInto(Tensor dst)
    {
        if (DType == DType.Int64) Kernels.Strided.Gather(Storage.Longs, Offset, shape, strides, dst.LongSpan);
        else Kernels.Strided.Gather(Storage.Floats, Offset, shape, strides, dst.Storage.Floats.AsSpan(dst.Offset, dst.Numel));
    }

    private static int[] Checked(int[] shape, string op)
    {
        ShapeUtil.CheckRank(shape.Length, op);
        ShapeUtil.Numel(shape, op);
        return (int[])shape.Clone();
    }

    private static void CheckLength(int length, int[] shape, string op)
    {
        int n = ShapeUtil.Numel(shape, op);
        if (n != length) throw new TensorShapeException(op, $"{length} values do not fill shape {ShapeUtil.Format(shape)} ({n} elements)");
    }
}
