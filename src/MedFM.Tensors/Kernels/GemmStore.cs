namespace MedFM.Tensors.Kernels;

/// <summary>
/// Writes a summed tile into C: c = alpha·acc when beta = 0 (C is not read, so NaN garbage is ignored), else
/// c = fma(alpha, acc, beta·c), the same rounding as the vector stores of the micro-kernels.
/// </summary>
internal static unsafe class GemmStore
{
    /// <summary>Stores the top-left mr×nr of a tile held row-major with row length accStride.</summary>
    public static void Edge(float* acc, int accStride, float* c, int ldc, int mr, int nr, float alpha, float beta)
    {
        for (int i = 0; i < mr; i++, acc += accStride, c += ldc)
        {
            if (beta == 0)
            {
                for (int j = 0; j < nr; j++) c[j] = alpha * acc[j];
            }
            else
            {
                for (int j = 0; j < nr; j++) c[j] = MathF.FusedMultiplyAdd(alpha, acc[j], beta * c[j]);
            }
        }
    }

    /// <summary>C = beta·C over an m×n block (beta = 0 clears it, NaN included): the whole product when k = 0 or alpha = 0.</summary>
    public static void Scale(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }
}
