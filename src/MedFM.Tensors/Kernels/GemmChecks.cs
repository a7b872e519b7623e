namespace MedFM.Tensors.Kernels;

/// <summary>Argument validation shared by every GEMM backend: sizes, leading dimensions and span lengths.</summary>
internal static class GemmChecks
{
    public static void Validate(bool transA, bool transB, int m, int n, int k,
        int aLen, int lda, int bLen, int ldb, int cLen, int ldc)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"gemm: negative size m={m} n={n} k={k}");
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        Check("A", aRows, aCols, lda, aLen);
        Check("B", bRows, bCols, ldb, bLen);
        Check("C", m, n, ldc, cLen);
    }

    private static void Check(string name, int rows, int cols, int ld, int length)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) throw new ArgumentException($"gemm: leading dimension of {name} is {ld}, less than its {cols} columns");
        long need = (long)(rows - 1) * ld + cols;
        if (need > length) throw new ArgumentException($"gemm: {name} needs {need} elements ({rows}x{cols}, ld {ld}) but has {length}");
    }
}
