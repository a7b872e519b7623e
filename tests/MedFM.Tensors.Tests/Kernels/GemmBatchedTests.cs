using MedFM.Tensors.Kernels;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>SgemmBatched against the oracle applied item by item, including broadcast (stride 0) operands.</summary>
[Collection(GemmGlobalState.Name)]
public class GemmBatchedTests
{
    public static TheoryData<GemmBackendKind> Backends => new() { GemmBackendKind.Managed, GemmBackendKind.OpenBlas };

    [Theory]
    [MemberData(nameof(Backends))]
    public void StridedAndBroadcastBatchesMatchTheOracleItemByItem(GemmBackendKind backend)
    {
        using var _ = GemmGlobalState.Backend(backend);
        // (m, n, k): small items (spread over the team), tiny items (simple path), large items (each on the whole team).
        foreach (var (m, n, k) in new[] { (20, 24, 16), (3, 5, 4), (100, 90, 300) })
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        foreach (var (broadcastA, broadcastB) in new[] { (false, false), (true, false), (false, true) })
        {
            const int batch = 5;
            var rng = new System.Random(m + n + k);
            int aSize = m * k + 3, bSize = k * n + 2, cSize = m * n + 1; // strides longer than the matrices
            long sa = broadcastA ? 0 : aSize, sb = broadcastB ? 0 : bSize, sc = cSize;
            var a = Random(rng, aSize * batch);
            var b = Random(rng, bSize * batch);
            var c = Random(rng, cSize * batch);
            var expected = (float[])c.Clone();
            int lda = ta ? m : k, ldb = tb ? k : n;
            for (int i = 0; i < batch; i++)
            {
                GemmReference.Sgemm(ta, tb, m, n, k, 1.5f, a.AsSpan((int)(i * sa)), lda, b.AsSpan((int)(i * sb)), ldb,
                    0.25f, expected.AsSpan((int)(i * sc)), n);
            }
            Gemm.SgemmBatched(ta, tb, m, n, k, 1.5f, a, lda, sa, b, ldb, sb, 0.25f, c, n, sc, batch);
            double tol = 1e-6 * k + 1e-6;
            for (int i = 0; i < c.Length; i++)
                Assert.True(Math.Abs(c[i] - expected[i]) <= tol, $"{backend} {ta}/{tb} {m}x{n}x{k} bA={broadcastA} bB={broadcastB}: element {i} {c[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void ZeroOutputStrideAccumulatesTheItemsInOrder()
    {
        using var _ = GemmGlobalState.Managed();
        int m = 30, n = 40, k = 50, batch = 4;
        var rng = new System.Random(3);
        var a = Random(rng, m * k * batch);
        var b = Random(rng, k * n * batch);
        var c = new float[m * n];
        var expected = new float[m * n];
        for (int i = 0; i < batch; i++)
            GemmReference.Sgemm(false, false, m, n, k, 1f, a.AsSpan(i * m * k), k, b.AsSpan(i * k * n), n, 1f, expected, n);
        Gemm.SgemmBatched(false, false, m, n, k, 1f, a, k, m * k, b, n, k * n, 1f, c, n, 0, batch);
        for (int i = 0; i < c.Length; i++) Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-4, $"element {i}: {c[i]} vs {expected[i]}");
    }

    [Fact]
    public void BatchOfZeroAndEmptyMatricesDoNothing()
    {
        var c = new[] { 1f, 2f, 3f };
        Gemm.SgemmBatched(false, false, 1, 3, 2, 1f, new float[2], 2, 2, new float[6], 3, 6, 0f, c, 3, 3, 0);
        Gemm.SgemmBatched(false, false, 0, 3, 2, 1f, Array.Empty<float>(), 2, 0, new float[6], 3, 0, 0f, c, 3, 3, 4);
        Assert.Equal(new[] { 1f, 2f, 3f }, c);
    }

    [Fact]
    public void StridesReachingPastTheSpansAreRejectedByOperand()
    {
        var a = new float[4 * 6];
        var b = new float[6 * 5];
        var c = new float[4 * 5 * 3];
        // Three items of A need 2·24 + 24 elements; the span has 24.
        var e = Assert.Throws<ArgumentException>(() => Gemm.SgemmBatched(false, false, 4, 5, 6, 1f, a, 6, 24, b, 5, 0, 0f, c, 5, 20, 3));
        Assert.Equal("a", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Gemm.SgemmBatched(false, false, 4, 5, 6, 1f, a, 6, 0, b, 5, 1, 0f, c, 5, 20, 3));
        Assert.Equal("b", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Gemm.SgemmBatched(false, false, 4, 5, 6, 1f, a, 6, 0, b, 5, 0, 0f, c, 5, 21, 3));
        Assert.Equal("c", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Gemm.SgemmBatched(false, false, 4, 5, 6, 1f, a, 6, -1, b, 5, 0, 0f, c, 5, 20, 3));
        Assert.Equal("a", e.ParamName);
        Assert.Throws<ArgumentException>(() => Gemm.SgemmBatched(false, false, 4, 5, 6, 1f, a, 6, 0, b, 5, 0, 0f, c, 5, 20, -1));
    }

    private static float[] Random(System.Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
