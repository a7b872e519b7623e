namespace MedFM.Tensors.Kernels;

/// <summary>
/// Argument validation shared by every GEMM backend: sizes, leading dimensions, span lengths and batch strides.
/// Failures are <see cref="ArgumentException"/>s that name the operand (A, B or C; ParamName a, b or c).
/// </summary>
internal static class GemmChecks
{
    public static void Validate(bool transA, bool transB, int m, int n, int k,
        int aLen, int lda, int bLen, int ldb, int cLen, int ldc)
    {
        CheckSizes(m, n, k);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        Check("A", aRows, aCols, lda, aLen, 0, 1);
        Check("B", bRows, bCols, ldb, bLen, 0, 1);
        Check("C", m, n, ldc, cLen, 0, 1);
    }

    public static void ValidateBatched(bool transA, bool transB, int m, int n, int k,
        int aLen, int lda, long strideA, int bLen, int ldb, long strideB, int cLen, int ldc, long strideC, int batch)
    {
        CheckSizes(m, n, k);
        if (batch < 0) throw new ArgumentException($"gemm: negative batch count {batch}", nameof(batch));
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        Check("A", aRows, aCols, lda, aLen, strideA, batch);
        Check("B", bRows, bCols, ldb, bLen, strideB, batch);
        Check("C", m, n, ldc, cLen, strideC, batch);
    }

    private static void CheckSizes(int m, int n, int k)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"gemm: negative size m={m} n={n} k={k}");
    }

    private static void Check(string name, int rows, int cols, int ld, int length, long stride, int batch)
    {
        string param = name.ToLowerInvariant();
        if (stride < 0) throw new ArgumentException($"gemm: batch stride of {name} is {stride}, negative", param);
        if (rows == 0 || cols == 0 || batch == 0) return;
        if (batch > 1 && stride > length) throw new ArgumentException($"gemm: batch stride of {name} is {stride}, beyond its {length} elements", param);
        if (ld < cols) throw new ArgumentException($"gemm: leading dimension of {name} is {ld}, less than its {cols} columns", param);
        long need = (long)(rows - 1) * ld + cols + (batch - 1) * stride;
        if (need > length)
        {
            string what = batch > 1 ? $"{batch} matrices {rows}x{cols}, ld {ld}, stride {stride}" : $"{rows}x{cols}, ld {ld}";
            throw new ArgumentException($"gemm: {name} needs {need} elements ({what}) but has {length}", param);
        }
    }
}
