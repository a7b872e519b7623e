using System.Text;
using MedFM.Tensors.Autograd;

namespace MedFM.Tensors;

/// <summary>
/// An n-dimensional strided view (rank ≤ 6) of a <see cref="Storage"/>, with reverse-mode autograd.
/// Ops live in partial files by family: Creation, Movement, Join, Indexing, Elementwise, Activations, Reduce,
/// Normalization, Linalg, Conv, Interpolate, Attention, Random.
/// </summary>
public sealed partial class Tensor
{
    private readonly int[] shape;
    private readonly int[] strides;
    private bool requiresGrad;

    internal Tensor(Storage storage, int[] shape, int[] strides, int offset, DType dtype)
    {
        ShapeUtil.CheckRank(shape.Length, "tensor");
        Storage = storage;
        this.shape = shape;
        this.strides = strides;
        Offset = offset;
        DType = dtype;
        Numel = ShapeUtil.Numel(shape);
    }

    /// <summary>A new contiguous tensor of the given shape (uninitialised unless zero is set).</summary>
    internal Tensor(int[] shape, DType dtype = DType.Float32, bool zero = false)
        : this(dtype.UsesFloatStorage()
                ? Storage.AllocateFloats(ShapeUtil.Numel(shape), zero)
                : Storage.AllocateLongs(ShapeUtil.Numel(shape)),
            shape, ShapeUtil.ContiguousStrides(shape), 0, dtype)
    {
    }

    internal Storage Storage { get; }

    public DType DType { get; }

    public ReadOnlySpan<int> Shape => shape;

    public ReadOnlySpan<int> Strides => strides;

    /// <summary>Position of element [0, ..., 0] in the storage.</summary>
    public int Offset { get; }

    public int Rank => shape.Length;

    public int Numel { get; }

    /// <summary>Size of a dimension; negative dimensions count from the end.</summary>
    public int Size(int dim) => shape[ShapeUtil.Axis(dim, shape.Length, "size")];

    /// <summary>A copy of the shape.</summary>
    public int[] ShapeArray() => (int[])shape.Clone();

    internal int[] ShapeRef => shape;

    internal int[] StridesRef => strides;

    public bool IsContiguous
    {
        get
        {
            int expected = 1;
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                if (shape[i] != 1 && strides[i] != expected) return false;
                expected *= shape[i];
            }
            return true;
        }
    }

    // ---- element access -------------------------------------------------------------------------------------

    /// <summary>The elements of a contiguous float32/bool tensor, in order. Throws for views that are not contiguous.</summary>
    public Span<float> Span
    {
        get
        {
            RequireFloatStorage("span");
            if (!IsContiguous) throw new TensorException("span", $"tensor of shape {ShapeUtil.Format(shape)} is not contiguous; call Contiguous() first");
            var span = Storage.Floats.AsSpan(Offset, Numel);
            Storage.MarkWritten(); // the caller may write through it
            return span;
        }
    }

    /// <summary>The elements of a contiguous int64 tensor, in order.</summary>
    public Span<long> LongSpan
    {
        get
        {
            if (DType != DType.Int64) throw new TensorDTypeException("long span", $"tensor is {DType.Name()}, not int64");
            if (!IsContiguous) throw new TensorException("long span", "tensor is not contiguous; call Contiguous() first");
            return Storage.Longs.AsSpan(Offset, Numel);
        }
    }

    internal float[] FloatData => Storage.Floats;

    internal long[] LongData => Storage.Longs;

    /// <summary>A copy of the elements in logical (row-major) order; int64 values are converted to float.</summary>
    public float[] ToArray()
    {
        var result = new float[Numel];
        if (DType == DType.Int64)
        {
            var l = ToLongArray();
            for (int i = 0; i < l.Length; i++) result[i] = l[i];
            return result;
        }
        Kernels.Strided.Gather(Storage.Floats, Offset, shape, strides, result);
        return result;
    }

    /// <summary>A copy of the elements in logical order as int64 (floats are truncated toward zero).</summary>
    public long[] ToLongArray()
    {
        var result = new long[Numel];
        if (DType == DType.Int64)
        {
            Kernels.Strided.Gather(Storage.Longs, Offset, shape, strides, result);
            return result;
        }
        var f = ToArray();
        for (int i = 0; i < f.Length; i++) result[i] = (long)f[i];
        return result;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public float Item()
    {
        if (Numel != 1) throw new TensorShapeException("item", $"a tensor of shape {ShapeUtil.Format(shape)} has {Numel} elements, not 1");
        return DType == DType.Int64 ? Storage.Longs[Offset] : Storage.Floats[Offset];
    }

    /// <summary>Reads (or writes, outside autograd) one element.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] index]
    {
        get => DType == DType.Int64 ? Storage.Longs[ElementOffset(index)] : Storage.Floats[ElementOffset(index)];
        set
        {
            int o = ElementOffset(index);
            if (DType == DType.Int64) Storage.Longs[o] = (long)value;
            else Storage.Floats[o] = value;
            Storage.MarkWritten();
        }
    }

    private int ElementOffset(int[] index)
    {
        if (index.Length != shape.Length)
            throw new TensorAxisException("index", $"{index.Length} indices for a tensor of rank {shape.Length}");
        int o = Offset;
        for (int i = 0; i < index.Length; i++)
        {
            int ix = index[i] < 0 ? index[i] + shape[i] : index[i];
            if ((uint)ix >= (uint)shape[i])
                throw new TensorAxisException("index", $"index {index[i]} out of range for dimension {i} of size {shape[i]}");
            o += ix * strides[i];
        }
        return o;
    }

    // ---- autograd -------------------------------------------------------------------------------------------

    /// <summary>Whether gradients flow to this tensor. Only float leaves may be set; results inherit it from inputs.</summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (GradFn is not null && !value)
                throw new AutogradException("requires_grad", "cannot clear requires_grad of a non-leaf tensor; use Detach()");
            if (value && DType != DType.Float32)
                throw new TensorDTypeException("requires_grad", $"only float32 tensors can require gradients, this one is {DType.Name()}");
            requiresGrad = value;
        }
    }

    /// <summary>The accumulated gradient of a leaf after Backward().</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The recorded op that produced this tensor (null for leaves).</summary>
    public Node? GradFn { get; private set; }

    public bool IsLeaf => GradFn is null;

    /// <summary>Keep this non-leaf tensor's gradient after Backward() (as PyTorch's retain_grad).</summary>
    public bool RetainsGrad { get; private set; }

    public Tensor RetainGrad()
    {
        RetainsGrad = true;
        return this;
    }

    /// <summary>A view of the same storage that is cut from the tape.</summary>
    public Tensor Detach() => new(Storage, shape, strides, Offset, DType);

    /// <summary>Sets requires_grad and returns this (builder style for leaves).</summary>
    public Tensor RequireGrad(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>Records the op on the tape when recording is on and any input requires grad. Returns this.</summary>
    internal Tensor Record(string op, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (!GradMode.IsEnabled) return this;
        bool any = false;
        foreach (var t in inputs) any |= t.requiresGrad;
        if (!any) return this;
        GradFn = new Node(op, inputs, backward);
        requiresGrad = true;
        return this;
    }

    internal static bool NeedsGrad(Tensor a) => a.requiresGrad && GradMode.IsEnabled;

    internal static bool NeedsGrad(Tensor a, Tensor b) => (a.requiresGrad || b.requiresGrad) && GradMode.IsEnabled;

    // ---- checks ---------------------------------------------------------------------------------------------

    internal void RequireFloat(string op)
    {
        if (DType != DType.Float32) throw new TensorDTypeException(op, $"expects float32, got {DType.Name()} tensor of shape {ShapeUtil.Format(shape)}");
    }

    internal void RequireFloatStorage(string op)
    {
        if (!DType.UsesFloatStorage()) throw new TensorDTypeException(op, $"expects float32 or bool, got {DType.Name()}");
    }

    internal void RequireLong(string op)
    {
        if (DType != DType.Int64) throw new TensorDTypeException(op, $"expects int64 indices, got {DType.Name()} tensor of shape {ShapeUtil.Format(shape)}");
    }

    internal void RequireRank(int rank, string op)
    {
        if (Rank != rank) throw new TensorShapeException(op, $"expects a {rank}-D tensor, got shape {ShapeUtil.Format(shape)}");
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("tensor(").Append(ShapeUtil.Format(shape)).Append(", ").Append(DType.Name());
        if (GradFn is not null) sb.Append(", grad_fn=").Append(GradFn.Op);
        else if (requiresGrad) sb.Append(", requires_grad");
        if (!Storage.IsReleased && Numel <= 16)
        {
            sb.Append(", [");
            var v = ToArray();
            for (int i = 0; i < v.Length; i++) sb.Append(i > 0 ? ", " : "").Append(v[i].ToString("G6", System.Globalization.CultureInfo.InvariantCulture));
            sb.Append(']');
        }
        return sb.Append(')').ToString();
    }
}
