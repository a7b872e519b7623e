namespace MedFM.Tensors.Kernels;

/// <summary>
/// The plain triple-loop GEMM: the oracle the fast kernels are tested against. Row-major; double accumulation.
/// C[m,n] = alpha * sum_k op(A)[m,k] * op(B)[k,n] + beta * C[m,n].
/// </summary>
public static class GemmReference
{
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double acc = 0;
            for (int p = 0; p < k; p++)
            {
                float av = transA ? a[p * lda + i] : a[i * lda + p];
                float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                acc += (double)av * bv;
            }
            float prev = beta == 0 ? 0 : beta * c[i * ldc + j];
            c[i * ldc + j] = (float)(alpha * acc) + prev;
        }
    }
}
