namespace MedFM.Tensors.Kernels;

/// <summary>
/// Single-precision GEMM on row-major spans: C = alpha * op(A) * op(B) + beta * C, with op = identity or transpose.
/// A is [m,k] (or [k,m] when transA) with leading dimension lda; B is [k,n] (or [n,k] when transB); C is [m,n].
/// beta = 0 means C is write-only (its previous contents, even NaN, are ignored), as in BLAS.
/// </summary>
public static partial class Gemm
{
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmChecks.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        GemmReference.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Batched GEMM: batch independent products with element strides between consecutive matrices (0 broadcasts).</summary>
    public static void SgemmBatched(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB,
        float beta, Span<float> c, int ldc, long strideC, int batch)
    {
        for (int i = 0; i < batch; i++)
        {
            Sgemm(transA, transB, m, n, k, alpha,
                a[(int)(i * strideA)..], lda, b[(int)(i * strideB)..], ldb, beta, c[(int)(i * strideC)..], ldc);
        }
    }
}

public static partial class Gemm
{
    /// <summary>The backend in use ("managed" until a faster one is chosen).</summary>
    public static string BackendName => "reference";
}
