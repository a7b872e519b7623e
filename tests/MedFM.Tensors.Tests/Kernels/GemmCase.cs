using MedFM.Tensors.Kernels;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>
/// One GEMM problem with random operands: padding columns (ld &gt; width) and, where beta = 0, the whole of C hold
/// NaN, so a kernel that reads what it must not shows up as NaN. <see cref="Check"/> compares a result with
/// <see cref="GemmReference"/> under a forward-error bound: |Δ| ≤ 2ε(k+2)·|alpha|·‖a_i‖‖b_j‖ + 2ε|beta·c_ij|.
/// </summary>
internal sealed class GemmCase
{
    private const double Eps = 1.1920929e-7;

    public GemmCase(int seed, bool transA, bool transB, int m, int n, int k, float alpha = 1f, float beta = 0f, int pad = 0)
    {
        var rng = new System.Random(seed);
        (TransA, TransB, M, N, K, Alpha, Beta) = (transA, transB, m, n, k, alpha, beta);
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        Lda = Math.Max(1, aCols + pad);
        Ldb = Math.Max(1, bCols + pad);
        Ldc = Math.Max(1, n + pad);
        A = Matrix(rng, aRows, aCols, Lda);
        B = Matrix(rng, bRows, bCols, Ldb);
        C0 = Matrix(rng, m, n, Ldc);
        if (beta == 0) Array.Fill(C0, float.NaN);
    }

    public bool TransA { get; }
    public bool TransB { get; }
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public float Alpha { get; }
    public float Beta { get; }
    public int Lda { get; }
    public int Ldb { get; }
    public int Ldc { get; }
    public float[] A { get; }
    public float[] B { get; }
    public float[] C0 { get; }

    /// <summary>A fresh copy of the initial C.</summary>
    public float[] NewC() => (float[])C0.Clone();

    /// <summary>Runs Gemm.Sgemm (the selected backend) on a copy of C.</summary>
    public float[] RunPublic()
    {
        var c = NewC();
        Gemm.Sgemm(TransA, TransB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
        return c;
    }

    public float[] Expected()
    {
        var c = NewC();
        GemmReference.Sgemm(TransA, TransB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
        return c;
    }

    public void Check(float[] actual, string label = "")
    {
        var expected = Expected();
        var rowNorm = new double[M];
        var colNorm = new double[N];
        for (int i = 0; i < M; i++)
        for (int p = 0; p < K; p++) rowNorm[i] += Sq(TransA ? A[p * Lda + i] : A[i * Lda + p]);
        for (int j = 0; j < N; j++)
        for (int p = 0; p < K; p++) colNorm[j] += Sq(TransB ? B[j * Ldb + p] : B[p * Ldb + j]);
        for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
        {
            int at = i * Ldc + j;
            double prev = Beta == 0 ? 0 : Math.Abs((double)Beta * C0[at]);
            double tol = 2 * Eps * (K + 2) * Math.Abs(Alpha) * Math.Sqrt(rowNorm[i] * colNorm[j]) + 2 * Eps * prev + 1e-30;
            double e = expected[at], a = actual[at];
            if (!(Math.Abs(e - a) <= tol))
                Assert.Fail($"{label} {Describe()}: C[{i},{j}] = {a:G9}, oracle {e:G9} (tolerance {tol:G3})");
        }
        for (int i = 0; i < M; i++)
        for (int j = N; j < Ldc; j++)
        {
            int at = i * Ldc + j;
            if (BitConverter.SingleToInt32Bits(actual[at]) != BitConverter.SingleToInt32Bits(C0[at]))
                Assert.Fail($"{label} {Describe()}: padding C[{i},{j}] was written");
        }
    }

    public string Describe() =>
        $"{(TransA ? "T" : "N")}{(TransB ? "T" : "N")} m={M} n={N} k={K} alpha={Alpha} beta={Beta} lda={Lda} ldb={Ldb} ldc={Ldc}";

    private static double Sq(float x) => (double)x * x;

    /// <summary>rows×cols values in [-1, 1) with leading dimension ld; the padding columns hold NaN.</summary>
    private static float[] Matrix(System.Random rng, int rows, int cols, int ld)
    {
        var x = new float[rows * ld];
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < ld; c++)
            x[r * ld + c] = c < cols ? (float)(rng.NextDouble() * 2 - 1) : float.NaN;
        return x;
    }
}
