using MedFM.Tensors.Kernels;
using MedFM.Tensors.Parallel;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>
/// The managed GEMM gives bit-identical results on one and two threads (the summation order of every element is
/// fixed by the sizes), in both work splits (over M, over N), in the simple path and in batches.
/// </summary>
[Collection(GemmGlobalState.Name)]
public unsafe class GemmThreadingTests
{
    public static TheoryData<int, int, int, bool, bool> Shapes => new()
    {
        { 200, 300, 700, false, false },   // split over M, three KC blocks
        { 257, 130, 65, true, true },      // split over M, edge tiles everywhere
        { 10, 5000, 300, false, true },    // few rows: split over N, two NC blocks
        { 7, 33, 1000, true, false },      // split over N, edge tiles
        { 9, 11, 13, false, false },       // simple path
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OneAndTwoThreadsGiveIdenticalBits(int m, int n, int k, bool transA, bool transB)
    {
        using var one = new ThreadTeam(1);
        using var two = new ThreadTeam(2);
        var g = new GemmCase(m ^ n ^ k, transA, transB, m, n, k, alpha: 0.5f, beta: 1.5f, pad: 1);
        var c1 = Run(g, one);
        var c2 = Run(g, two);
        Assert.Equal(c1, c2);
        g.Check(c2, "two threads");
    }

    [Fact]
    public void BatchesGiveIdenticalBitsOnOneAndTwoThreads()
    {
        int m = 40, n = 33, k = 70, batch = 7;
        var rng = new System.Random(9);
        var a = Enumerable.Range(0, m * k * batch).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        float[] RunBatch(ThreadTeam team)
        {
            var c = new float[m * n * batch];
            fixed (float* pa = a, pb = b, pc = c)
                GemmManaged.SgemmBatched(false, true, m, n, k, 1f, pa, k, m * k, pb, k, 0, 0f, pc, n, m * n, batch, team);
            return c;
        }
        using var one = new ThreadTeam(1);
        using var two = new ThreadTeam(2);
        Assert.Equal(RunBatch(one), RunBatch(two));
    }

    private static float[] Run(GemmCase g, ThreadTeam team)
    {
        var c = g.NewC();
        fixed (float* pa = g.A, pb = g.B, pc = c)
            GemmManaged.Sgemm(g.TransA, g.TransB, g.M, g.N, g.K, g.Alpha, pa, g.Lda, pb, g.Ldb, g.Beta, pc, g.Ldc, team);
        return c;
    }
}
