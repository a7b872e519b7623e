using MedFM.Tensors.Kernels;
using MedFM.Tensors.Parallel;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>
/// Every kernel sums an element as one chain of fused multiply-adds over k in order, carried through C from one KC
/// block to the next: the result is the scalar chain's, bit for bit, whatever the KC blocks, the kernel or the path.
/// </summary>
[Collection(GemmGlobalState.Name)]
public unsafe class GemmChainTests
{
    private static readonly (int M, int N, int K)[] Shapes = { (197, 96, 768), (65, 130, 1100), (13, 33, 70), (30, 64, 520) };

    /// <summary>Products the public GEMM runs blocked (below <see cref="GemmBlocking.SmallWork"/> it runs direct loops).</summary>
    private static readonly (int M, int N, int K)[] BlockedShapes = { (197, 96, 768), (65, 130, 1100), (13, 33, 90), (30, 64, 520) };

    /// <summary>c[i, j] = fma(a[i, k−1], b[k−1, j], … fma(a[i, 0], b[0, j], start) …), in float.</summary>
    private static float[] Chain(float[] a, float[] b, float[]? start, int m, int n, int k)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            float acc = start is null ? 0f : start[i * n + j];
            for (int p = 0; p < k; p++) acc = MathF.FusedMultiplyAdd(a[i * k + p], b[p * n + j], acc);
            c[i * n + j] = acc;
        }
        return c;
    }

    private static float[] Random(int seed, int count)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, the chain gives {expected[i]:R}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PrepackedProductsAreTheChainForAnyKcBlocks(bool avx2)
    {
        using var _ = GemmGlobalState.Managed();
        using var cap = avx2 ? GemmGlobalState.Avx2() : null;
        int seed = 10;
        foreach (var (m, n, k) in Shapes)
        {
            var a = Random(seed++, m * k);
            var b = Random(seed++, k * n);
            var expected = Chain(a, b, null, m, n, k);
            foreach (int kcMax in new[] { 8, 96, 256, 768, k })
            {
                var c = new float[m * n];
                fixed (float* pa = a, pb = b, pc = c)
                {
                    var pack = GemmPackedB.Pack(false, pb, n, k, n, kcMax);
                    Assert.True(GemmPrepacked.TryRun(false, m, n, k, pa, k, pack, pc, n, ThreadTeam.Default, default));
                }
                AssertBits(expected, c, $"{m}x{n}x{k}, KC ≤ {kcMax}, {Gemm.SimdLevel}");
            }
        }
    }

    [Theory]
    [InlineData(false, 0f)]
    [InlineData(false, 1f)]
    [InlineData(true, 0f)]
    [InlineData(true, 1f)]
    public void BlockedProductsAreTheChainStartingFromBetaC(bool avx2, float beta)
    {
        using var _ = GemmGlobalState.Managed();
        using var cap = avx2 ? GemmGlobalState.Avx2() : null;
        int seed = 50;
        foreach (var (m, n, k) in BlockedShapes)
        {
            var a = Random(seed++, m * k);
            var b = Random(seed++, k * n);
            var c0 = Random(seed++, m * n);
            var c = (float[])c0.Clone();
            Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, beta, c, n);
            AssertBits(Chain(a, b, beta == 0 ? null : c0, m, n, k), c, $"{m}x{n}x{k}, beta {beta}, {Gemm.SimdLevel}");
        }
    }

    [Fact]
    public void ThePortableKernelIsTheChainToo()
    {
        using var _ = GemmGlobalState.Managed();
        using var portable = GemmGlobalState.Portable();
        var (m, n, k) = (40, 48, 600);
        var a = Random(90, m * k);
        var b = Random(91, k * n);
        var c0 = Random(92, m * n);
        var c = (float[])c0.Clone();
        Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 1f, c, n);
        AssertBits(Chain(a, b, c0, m, n, k), c, "portable, beta 1");
    }
}
