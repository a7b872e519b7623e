using MedFM.Tensors.Kernels;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>The managed GEMM (the default backend) against the triple-loop oracle.</summary>
[Collection(GemmGlobalState.Name)]
public class GemmTests
{
    private static readonly int[] OddSizes = { 1, 5, 7, 17, 63, 65, 130, 257 };

    public static TheoryData<bool, bool> Transposes => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    [Theory]
    [MemberData(nameof(Transposes))]
    public void EveryOddSizeCombinationMatchesTheOracle(bool transA, bool transB)
    {
        using var _ = GemmGlobalState.Managed();
        int seed = 0;
        foreach (int m in OddSizes)
        foreach (int n in OddSizes)
        foreach (int k in OddSizes)
        {
            var g = new GemmCase(seed++, transA, transB, m, n, k);
            g.Check(g.RunPublic());
        }
    }

    [Theory]
    [MemberData(nameof(Transposes))]
    public void LeadingDimensionsWiderThanTheMatrixAreRespected(bool transA, bool transB)
    {
        using var _ = GemmGlobalState.Managed();
        foreach (var (m, n, k) in new[] { (5, 7, 9), (67, 45, 300), (130, 200, 65), (6, 3100, 40) })
        {
            var g = new GemmCase(m * n + k, transA, transB, m, n, k, alpha: 1.25f, beta: 0.5f, pad: 3);
            g.Check(g.RunPublic());
        }
    }

    [Theory]
    [InlineData(1f, 0f)]
    [InlineData(2.5f, 0f)]
    [InlineData(-1.5f, 1f)]
    [InlineData(0.5f, -0.75f)]
    [InlineData(1f, 2f)]
    public void AlphaAndBetaScaleAsInBlas(float alpha, float beta)
    {
        using var _ = GemmGlobalState.Managed();
        foreach (var (m, n, k) in new[] { (4, 6, 5), (70, 50, 600), (12, 40, 90) })
        foreach (var (ta, tb) in new[] { (false, false), (true, true) })
        {
            var g = new GemmCase(m + n + k, ta, tb, m, n, k, alpha, beta, pad: 1);
            var c = g.RunPublic();
            g.Check(c);
            if (beta == 0) Assert.DoesNotContain(c.Where((_, i) => i % g.Ldc < n), float.IsNaN);
        }
    }

    [Fact]
    public void AlphaZeroOrKZeroScalesCAndReadsNeitherOperand()
    {
        using var _ = GemmGlobalState.Managed();
        foreach (var (alpha, k) in new[] { (0f, 50), (1f, 0) })
        foreach (float beta in new[] { 0f, 0.5f })
        {
            int m = 40, n = 30;
            var a = Enumerable.Repeat(float.NaN, m * Math.Max(k, 1)).ToArray();
            var b = Enumerable.Repeat(float.NaN, Math.Max(k, 1) * n).ToArray();
            var c = Enumerable.Range(0, m * n).Select(i => beta == 0 ? float.NaN : i * 0.25f).ToArray();
            Gemm.Sgemm(false, false, m, n, k, alpha, a, Math.Max(k, 1), b, n, beta, c, n);
            for (int i = 0; i < c.Length; i++) Assert.Equal(beta == 0 ? 0f : beta * (i * 0.25f), c[i]);
        }
    }

    [Fact]
    public void EmptyProductsLeaveCUntouched()
    {
        var c = new[] { 7f, 8f };
        Gemm.Sgemm(false, false, 0, 2, 3, 1f, Array.Empty<float>(), 3, new float[6], 2, 0f, c, 2);
        Gemm.Sgemm(false, false, 1, 0, 3, 1f, new float[3], 3, Array.Empty<float>(), 1, 0f, c, 1);
        Assert.Equal(new[] { 7f, 8f }, c);
    }

    [Fact]
    public void LargeProductsCrossingEveryBlockBoundaryMatchTheOracle()
    {
        using var _ = GemmGlobalState.Managed();
        // k > KC (several KC blocks, beta applied only on the first), n > NC (two NC blocks), m > MC.
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        {
            var g = new GemmCase(5, ta, tb, 151, 3100, 530, alpha: 0.75f, beta: -0.5f, pad: 2);
            g.Check(g.RunPublic());
        }
    }

    [Fact]
    public void PortableKernelMatchesTheOracle()
    {
        using var _ = GemmGlobalState.Managed();
        using var portable = GemmGlobalState.Portable();
        Assert.StartsWith(System.Numerics.Vector.IsHardwareAccelerated ? "Vector" : "scalar", Gemm.SimdLevel);
        int seed = 100;
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 17, 5), (65, 63, 130), (257, 130, 65), (6, 16, 300), (20, 3100, 17) })
        {
            var g = new GemmCase(seed++, ta, tb, m, n, k, alpha: 1.5f, beta: seed % 2 == 0 ? 0f : 0.5f, pad: seed % 3);
            g.Check(g.RunPublic(), "portable");
        }
    }

    [Fact]
    public void Avx2KernelMatchesTheOracleOnEveryCpuThatHasIt()
    {
        using var _ = GemmGlobalState.Managed();
        using var avx2 = GemmGlobalState.Avx2();
        if (!GemmKernelAvx2.IsSupported) return;  // the portable kernel runs instead: covered above
        Assert.Equal("AVX2+FMA", Gemm.SimdLevel);
        int seed = 300;
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 17, 5), (65, 63, 130), (257, 130, 65), (6, 16, 300), (151, 3100, 530) })
        {
            var g = new GemmCase(seed++, ta, tb, m, n, k, alpha: 1.5f, beta: seed % 2 == 0 ? 0f : 0.5f, pad: seed % 3);
            g.Check(g.RunPublic(), "avx2");
        }
    }

    [Fact]
    public void WideAndNarrowKernelsGiveBitIdenticalProducts()
    {
        // Both kernels sum each element over a KC block in k order with FMAs, and tile edges store with the same
        // rounding, so the AVX-512 (12×32 tiles) and AVX2 (6×16 tiles) products must agree bit for bit.
        using var _ = GemmGlobalState.Managed();
        int seed = 400;
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        foreach (var (m, n, k) in new[] { (13, 33, 7), (65, 63, 130), (197, 768, 768), (151, 3100, 530), (25, 40, 600) })
        {
            var g = new GemmCase(seed++, ta, tb, m, n, k, alpha: 0.75f, beta: seed % 2 == 0 ? 0f : -0.5f, pad: seed % 3);
            var wide = g.RunPublic();
            float[] narrow;
            using (GemmGlobalState.Avx2()) narrow = g.RunPublic();
            g.Check(wide, Gemm.SimdLevel);
            for (int i = 0; i < wide.Length; i++)
                if (BitConverter.SingleToInt32Bits(wide[i]) != BitConverter.SingleToInt32Bits(narrow[i]) && !(float.IsNaN(wide[i]) && float.IsNaN(narrow[i])))
                    Assert.Fail($"{m}x{n}x{k} ta={ta} tb={tb}: element {i} is {wide[i]:R} wide, {narrow[i]:R} narrow");
        }
    }

    [Fact]
    public void SimdLevelNamesTheKernelThisCpuUses()
    {
        bool avx512 = System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
        bool avx2 = System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported;
        if (avx512) Assert.Equal("AVX-512F", Gemm.SimdLevel);
        else if (avx2) Assert.Equal("AVX2+FMA", Gemm.SimdLevel);
        else Assert.StartsWith(System.Numerics.Vector.IsHardwareAccelerated ? "Vector" : "scalar", Gemm.SimdLevel);
    }
}
