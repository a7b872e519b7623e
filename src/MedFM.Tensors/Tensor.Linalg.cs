using MedFM.Tensors.Kernels;

namespace MedFM.Tensors;

/// <summary>Matrix products: matmul (torch semantics, batched with broadcasting), linear, bmm.</summary>
public sealed partial class Tensor
{
    /// <summary>
    /// torch.matmul: 1-D·1-D is a dot product; a 1-D operand is promoted to a matrix and the added dimension removed;
    /// ≥ 2-D operands multiply their last two dimensions and broadcast the rest.
    /// </summary>
    public Tensor Matmul(Tensor other)
    {
        const string op = "matmul";
        RequireFloat(op);
        other.RequireFloat(op);
        if (Rank == 0 || other.Rank == 0)
            throw new TensorShapeException(op, $"both operands need at least one dimension, got {ShapeUtil.Format(shape)} and {ShapeUtil.Format(other.shape)}");
        if (Rank == 1 && other.Rank == 1) return Unsqueeze(0).Matmul(other.Unsqueeze(1)).Reshape();
        if (Rank == 1) return Unsqueeze(0).Matmul(other).Squeeze(-2);
        if (other.Rank == 1) return Matmul(other.Unsqueeze(1)).Squeeze(-1);
        int m = shape[^2], k = shape[^1], k2 = other.shape[^2], n = other.shape[^1];
        if (k != k2)
            throw new TensorShapeException(op, $"shapes {ShapeUtil.Format(shape)} and {ShapeUtil.Format(other.shape)} cannot be multiplied ({m}x{k} and {k2}x{n})");
        var batch = ShapeUtil.Broadcast(shape[..^2], other.shape[..^2], op);
        var r = new Tensor(batch.Concat(new[] { m, n }).ToArray());
        MatmulInto(Expand(batch.Concat(new[] { m, k }).ToArray()).Detach(), other.Expand(batch.Concat(new[] { k, n }).ToArray()).Detach(), r);
        var a = this;
        return r.Record(op, new[] { this, other }, g => new[]
        {
            a.RequiresGrad ? g.Matmul(other.Detach().Transpose(-2, -1)).SumTo(a.shape) : null,
            other.RequiresGrad ? a.Detach().Transpose(-2, -1).Matmul(g).SumTo(other.shape) : null,
        });
    }

    /// <summary>Batched matrix product of 3-D tensors [B, m, k] × [B, k, n].</summary>
    public Tensor Bmm(Tensor other)
    {
        if (Rank != 3 || other.Rank != 3 || shape[0] != other.shape[0])
            throw new TensorShapeException("bmm", $"expects [B, m, k] and [B, k, n], got {ShapeUtil.Format(shape)} and {ShapeUtil.Format(other.shape)}");
        return Matmul(other);
    }

    /// <summary>y = x Wᵀ + b for x [..., in], W [out, in], b [out] (torch.nn.functional.linear).</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null) => LinearCore(x, weight, bias, GemmActivation.None, null);

    /// <summary>
    /// <see cref="Linear(Tensor, Tensor, Tensor?)"/> that reads the weight from <paramref name="pack"/> (packed from
    /// this very weight) when no gradient is recorded; the result is bit-identical either way.
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias, LinearWeightPack? pack) =>
        LinearCore(x, weight, bias, GemmActivation.None, pack);

    /// <summary>
    /// gelu(x Wᵀ + b), the first half of a transformer MLP. Without a gradient to record, the GELU ("none": erf form,
    /// "tanh": tanh form) and the bias run inside the GEMM on each tile while it is in cache; otherwise it is
    /// Linear then Gelu, with their backward.
    /// </summary>
    public static Tensor LinearGelu(Tensor x, Tensor weight, Tensor? bias = null, string approximate = "none") =>
        LinearGelu(x, weight, bias, approximate, null);

    /// <summary><see cref="LinearGelu(Tensor, Tensor, Tensor?, string)"/> reading the weight from <paramref name="pack"/> when nothing is recorded.</summary>
    public static Tensor LinearGelu(Tensor x, Tensor weight, Tensor? bias, string approximate, LinearWeightPack? pack)
    {
        var act = approximate switch
        {
            "none" => GemmActivation.Gelu,
            "tanh" => GemmActivation.GeluTanh,
            _ => throw new TensorException("gelu", $"approximate must be 'none' or 'tanh', got '{approximate}'"),
        };
        bool record = Autograd.GradMode.IsEnabled && (x.RequiresGrad || weight.RequiresGrad || bias?.RequiresGrad == true);
        return record ? Linear(x, weight, bias).Gelu(approximate) : LinearCore(x, weight, bias, act, pack);
    }

    private static Tensor LinearCore(Tensor x, Tensor weight, Tensor? bias, GemmActivation activation, LinearWeightPack? pack)
    {
        const string op = "linear";
        x.RequireFloat(op);
        weight.RequireRank(2, op);
        int outF = weight.shape[0], inF = weight.shape[1];
        if (x.Rank == 0 || x.shape[^1] != inF)
            throw new TensorShapeException(op, $"input {ShapeUtil.Format(x.shape)} does not end in the weight's {inF} input features (weight {ShapeUtil.Format(weight.shape)})");
        if (bias is not null && (bias.Rank != 1 || bias.shape[0] != outF))
            throw new TensorShapeException(op, $"bias {ShapeUtil.Format(bias.shape)} does not match {outF} output features");
        int rows = x.Numel / Math.Max(inF, 1);
        var outShape = x.ShapeArray();
        outShape[^1] = outF;
        var r = new Tensor(outShape);
        var x2 = x.Detach().Reshape(rows, inF);
        var w = weight.Detach();
        var b = bias?.Detach().Contiguous();
        var biasSpan = b is null ? default : b.FloatData.AsSpan(b.Offset, outF);
        if (pack is not null && !ReferenceEquals(pack.Weight, weight))
            throw new TensorException(op, "the weight pack was made from another tensor than this weight");
        bool record = Autograd.GradMode.IsEnabled && (x.RequiresGrad || weight.RequiresGrad || bias?.RequiresGrad == true);
        if (pack is not null && !record)
        {
            if (LinearPacked(x2, pack, r, biasSpan, activation)) return r;
            // A weight released to its pack stays released: the product that the pack cannot serve reads a temporary copy.
            if (pack.WeightReleased) w = pack.UnpackedCopy();
        }
        GemmViews(x2, w, transposeB: true, 0f, r.FloatData, r.Offset, outF, biasSpan, activation);
        if (activation != GemmActivation.None) return r;  // only reached when nothing is recorded
        var inputs = bias is null ? new[] { x, weight } : new[] { x, weight, bias };
        return r.Record(op, inputs, g =>
        {
            var g2 = g.Reshape(rows, outF);
            var grads = new Tensor?[inputs.Length];
            if (x.RequiresGrad) grads[0] = g2.Matmul(w).Reshape(x.shape);
            if (weight.RequiresGrad) grads[1] = g2.Transpose(0, 1).Matmul(x2);
            if (bias is not null && bias.RequiresGrad) grads[2] = g2.Sum(0);
            return grads;
        });
    }

    /// <summary>r = act(x2 · Wᵀ + bias) from the packed weight; false when the pack cannot serve (other backend or kernel, a product small enough for the unpacked small path).</summary>
    private static unsafe bool LinearPacked(Tensor x2, LinearWeightPack pack, Tensor r, ReadOnlySpan<float> bias, GemmActivation activation)
    {
        var packed = pack.Current();
        int m = x2.shape[0], k = x2.shape[1], n = packed.N;
        if (Gemm.BackendKind != GemmBackendKind.Managed || (long)m * n * k < GemmBlocking.SmallWork) return false;
        var a = x2;
        if (!MatrixLayout(a, out bool ta, out int lda)) { a = a.Contiguous(); MatrixLayout(a, out ta, out lda); }
        fixed (float* pa = a.FloatData.AsSpan(a.Offset), pc = r.FloatData.AsSpan(r.Offset), pb = bias)
        {
            if (!GemmPrepacked.TryRun(ta, m, n, k, pa, lda, packed, pc, n, Parallel.ThreadTeam.Default,
                    new GemmEpilogue(bias.IsEmpty ? null : pb, activation))) return false;
        }
        Interlocked.Increment(ref pack.Uses);
        return true;
    }

    /// <summary>C[b] = A[b] · B[b] for expanded operands [batch..., m, k] and [batch..., k, n] into dense r.</summary>
    private static void MatmulInto(Tensor a, Tensor b, Tensor r)
    {
        int m = a.shape[^2], k = a.shape[^1], n = b.shape[^1];
        int batchRank = a.Rank - 2;
        if (!BatchStride(a, batchRank, out var sa)) { a = a.Contiguous(); BatchStride(a, batchRank, out sa); }
        if (!BatchStride(b, batchRank, out var sb)) { b = b.Contiguous(); BatchStride(b, batchRank, out sb); }
        if (!MatrixLayout(a, out bool ta, out int lda)) { a = a.Contiguous(); MatrixLayout(a, out ta, out lda); BatchStride(a, batchRank, out sa); }
        if (!MatrixLayout(b, out bool tb, out int ldb)) { b = b.Contiguous(); MatrixLayout(b, out tb, out ldb); BatchStride(b, batchRank, out sb); }
        int count = 1;
        for (int i = 0; i < batchRank; i++) count *= a.shape[i];
        if (count == 0 || m == 0 || n == 0) return;
        if (k == 0) { r.Span.Clear(); return; }
        Gemm.SgemmBatched(ta, tb, m, n, k, 1f,
            a.FloatData.AsSpan(a.Offset), lda, sa, b.FloatData.AsSpan(b.Offset), ldb, sb,
            0f, r.FloatData.AsSpan(r.Offset), n, (long)m * n, count);
    }

    /// <summary>
    /// C = act(A · op(B) + beta C + bias) for 2-D views, with transposes detected from strides (bias: empty or one
    /// float per column of C).
    /// </summary>
    private static void GemmViews(Tensor a, Tensor b, bool transposeB, float beta, float[] c, int cOffset, int ldc,
        ReadOnlySpan<float> bias = default, GemmActivation activation = GemmActivation.None)
    {
        int m = a.shape[0], k = a.shape[1];
        int n = transposeB ? b.shape[0] : b.shape[1];
        if (m == 0 || n == 0) return;
        var bt = transposeB ? b.T : b;
        if (!MatrixLayout(a, out bool ta, out int lda)) { a = a.Contiguous(); MatrixLayout(a, out ta, out lda); }
        if (!MatrixLayout(bt, out bool tb, out int ldb)) { bt = bt.Contiguous(); MatrixLayout(bt, out tb, out ldb); }
        Gemm.SgemmFused(ta, tb, m, n, k, 1f, a.FloatData.AsSpan(a.Offset), lda, bt.FloatData.AsSpan(bt.Offset), ldb, beta,
            c.AsSpan(cOffset), ldc, bias, activation);
    }

    /// <summary>Whether the last two dimensions are row-major (stride 1 columns) or transposed (stride 1 rows).</summary>
    private static bool MatrixLayout(Tensor t, out bool transposed, out int ld)
    {
        int rows = t.shape[^2], cols = t.shape[^1];
        int rs = t.strides[^2], cs = t.strides[^1];
        if ((cs == 1 || cols == 1) && (rs >= Math.Max(cols, 1) || rows == 1))
        {
            transposed = false;
            ld = rows == 1 ? Math.Max(cols, 1) : rs;
            return true;
        }
        if ((rs == 1 || rows == 1) && (cs >= Math.Max(rows, 1) || cols == 1))
        {
            transposed = true;
            ld = cols == 1 ? Math.Max(rows, 1) : cs;
            return true;
        }
        transposed = false;
        ld = 0;
        return false;
    }

    /// <summary>The single element stride between consecutive matrices of the batch dimensions, if there is one.</summary>
    private static bool BatchStride(Tensor t, int batchRank, out long stride)
    {
        Span<int> s = stackalloc int[Math.Max(1, batchRank)];
        Span<int> st = stackalloc int[Math.Max(1, batchRank)];
        int r = Strided.Coalesce(t.shape.AsSpan(0, batchRank), t.strides.AsSpan(0, batchRank), s, st);
        stride = r == 0 ? 0 : st[0];
        return r <= 1;
    }
}
