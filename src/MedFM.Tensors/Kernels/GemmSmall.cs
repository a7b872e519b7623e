using System.Numerics.Tensors;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Products too small to repay packing and threads (m·n·k &lt; <see cref="GemmBlocking.SmallWork"/>): direct loops
/// over the operands, vectorised along the contiguous dimension. B row-major: each row of C accumulates
/// alpha·A[i,p]·B[p,:] (axpy); B transposed: each C[i,j] is a dot product of two contiguous rows.
/// </summary>
internal static unsafe class GemmSmall
{
    public static void Run(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        if (!transB) RowAxpy(transA, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else if (!transA) RowDot(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else BothTransposed(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    private static void RowAxpy(bool transA, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) TensorPrimitives.Multiply(row, beta, row);
            for (int p = 0; p < k; p++)
            {
                float av = transA ? a[(long)p * lda + i] : a[(long)i * lda + p];
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(b + (long)p * ldb, n), alpha * av, row, row);
            }
        }
    }

    private static void RowDot(int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var arow = new ReadOnlySpan<float>(a + (long)i * lda, k);
            float* crow = c + (long)i * ldc;
            for (int j = 0; j < n; j++)
            {
                float dot = TensorPrimitives.Dot(arow, new ReadOnlySpan<float>(b + (long)j * ldb, k));
                crow[j] = beta == 0 ? alpha * dot : MathF.FusedMultiplyAdd(alpha, dot, beta * crow[j]);
            }
        }
    }

    private static void BothTransposed(int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            float* crow = c + (long)i * ldc;
            for (int j = 0; j < n; j++)
            {
                float* brow = b + (long)j * ldb;
                float dot = 0;
                for (int p = 0; p < k; p++) dot = MathF.FusedMultiplyAdd(a[(long)p * lda + i], brow[p], dot);
                crow[j] = beta == 0 ? alpha * dot : MathF.FusedMultiplyAdd(alpha, dot, beta * crow[j]);
            }
        }
    }
}
