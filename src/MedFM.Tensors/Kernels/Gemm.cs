using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Single-precision GEMM on row-major spans: C = alpha * op(A) * op(B) + beta * C, with op = identity or transpose.
/// A is [m,k] (or [k,m] when transA) with leading dimension lda; B is [k,n] (or [n,k] when transB); C is [m,n].
/// beta = 0 means C is write-only (its previous contents, even NaN, are ignored), as in BLAS; so does alpha = 0 or
/// k = 0 leave A and B unread. The managed backend's result does not depend on the thread count.
/// </summary>
public static unsafe partial class Gemm
{
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmChecks.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            Dispatch(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    /// <summary>
    /// C = act(alpha·op(A)·op(B) + beta·C + bias[column]): the managed backend applies the bias and the activation
    /// to each tile as it finishes (no extra pass over C); OpenBLAS runs the product, then one pass. bias may be
    /// empty (none) or hold at least n floats.
    /// </summary>
    internal static void SgemmFused(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, GemmActivation activation)
    {
        GemmChecks.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (!bias.IsEmpty && bias.Length < n) throw new ArgumentException($"gemm: bias has {bias.Length} floats for {n} columns");
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c, pbias = bias)
        {
            Dispatch(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, new GemmEpilogue(bias.IsEmpty ? null : pbias, activation));
        }
    }

    /// <summary>
    /// Batched GEMM: batch independent products with element strides between consecutive matrices (0 broadcasts
    /// one matrix over the batch). With strideC = 0 the items update the one C in order (beta = 1 sums them).
    /// </summary>
    public static void SgemmBatched(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
        float beta, Span<float> c, int ldc, long strideC, int batch)
    {
        GemmChecks.ValidateBatched(transA, transB, m, n, k, a.Length, lda, strideA, b.Length, ldb, strideB,
            c.Length, ldc, strideC, batch);
        if (m == 0 || n == 0 || batch == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (BackendKind == GemmBackendKind.Managed && k > 0 && alpha != 0)
            {
                GemmManaged.SgemmBatched(transA, transB, m, n, k, alpha, pa, lda, strideA, pb, ldb, strideB,
                    beta, pc, ldc, strideC, batch, ThreadTeam.Default);
                return;
            }
            for (int i = 0; i < batch; i++)
                Dispatch(transA, transB, m, n, k, alpha, pa + i * strideA, lda, pb + i * strideB, ldb, beta, pc + i * strideC, ldc);
        }
    }

    /// <summary>Runs the product on the selected backend; the managed one applies the epilogue tile by tile, the other paths in one pass after.</summary>
    private static void Dispatch(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, in GemmEpilogue epilogue = default)
    {
        var team = ThreadTeam.Default;
        if (k == 0 || alpha == 0)
        {
            GemmStore.Scale(m, n, beta, c, ldc);
        }
        else if (BackendKind == GemmBackendKind.OpenBlas)
        {
            OpenBlas.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, team.Threads);
        }
        else
        {
            GemmManaged.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, team, epilogue);
            return;
        }
        if (epilogue.IsActive) epilogue.Apply(c, ldc, m, n, 0);
    }
}
