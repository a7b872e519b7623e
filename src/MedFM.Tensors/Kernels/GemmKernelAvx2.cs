using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// The AVX2/FMA micro-kernel: a 6×16 tile of C held in 12 ymm accumulators (6 rows × 2 vectors of 8), fed per k by
/// two 8-float loads of the packed B panel and six broadcasts from the packed A panel (the BLIS Haswell shape:
/// 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers).
/// Packed A: MR floats per k (column of the 6-row panel); packed B: NR floats per k (row of the 16-column panel).
/// </summary>
internal static unsafe class GemmKernelAvx2
{
    public const int MR = 6, NR = 16;

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>C[0..6, 0..16] = alpha · Σ_p a[p] ⊗ b[p] + beta · C (beta = 0: C is not read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        PrefetchTile(c, ldc);
        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            Step(a, b, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            Step(a + MR, b + NR, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            a += 2 * MR;
            b += 2 * NR;
        }
        if (p < kc) Step(a, b, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
        var va = Vector256.Create(alpha);
        if (beta == 0)
        {
            StoreRow(c, va, c00, c01);
            StoreRow(c + ldc, va, c10, c11);
            StoreRow(c + 2 * ldc, va, c20, c21);
            StoreRow(c + 3 * ldc, va, c30, c31);
            StoreRow(c + 4 * ldc, va, c40, c41);
            StoreRow(c + 5 * ldc, va, c50, c51);
            return;
        }
        var vb = Vector256.Create(beta);
        UpdateRow(c, va, vb, c00, c01);
        UpdateRow(c + ldc, va, vb, c10, c11);
        UpdateRow(c + 2 * ldc, va, vb, c20, c21);
        UpdateRow(c + 3 * ldc, va, vb, c30, c31);
        UpdateRow(c + 4 * ldc, va, vb, c40, c41);
        UpdateRow(c + 5 * ldc, va, vb, c50, c51);
    }

    /// <summary>One k step: two B vectors, six A broadcasts, twelve FMAs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(float* a, float* b,
        ref Vector256<float> c00, ref Vector256<float> c01, ref Vector256<float> c10, ref Vector256<float> c11,
        ref Vector256<float> c20, ref Vector256<float> c21, ref Vector256<float> c30, ref Vector256<float> c31,
        ref Vector256<float> c40, ref Vector256<float> c41, ref Vector256<float> c50, ref Vector256<float> c51)
    {
        var b0 = Avx.LoadVector256(b);
        var b1 = Avx.LoadVector256(b + 8);
        var av = Avx.BroadcastScalarToVector256(a);
        c00 = Fma.MultiplyAdd(av, b0, c00);
        c01 = Fma.MultiplyAdd(av, b1, c01);
        av = Avx.BroadcastScalarToVector256(a + 1);
        c10 = Fma.MultiplyAdd(av, b0, c10);
        c11 = Fma.MultiplyAdd(av, b1, c11);
        av = Avx.BroadcastScalarToVector256(a + 2);
        c20 = Fma.MultiplyAdd(av, b0, c20);
        c21 = Fma.MultiplyAdd(av, b1, c21);
        av = Avx.BroadcastScalarToVector256(a + 3);
        c30 = Fma.MultiplyAdd(av, b0, c30);
        c31 = Fma.MultiplyAdd(av, b1, c31);
        av = Avx.BroadcastScalarToVector256(a + 4);
        c40 = Fma.MultiplyAdd(av, b0, c40);
        c41 = Fma.MultiplyAdd(av, b1, c41);
        av = Avx.BroadcastScalarToVector256(a + 5);
        c50 = Fma.MultiplyAdd(av, b0, c50);
        c51 = Fma.MultiplyAdd(av, b1, c51);
    }

    /// <summary>Starts loading the tile's C rows (first and last float of each) while the k loop runs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* c, int ldc)
    {
        for (int r = 0; r < MR; r++, c += ldc)
        {
            Sse.Prefetch0(c);
            Sse.Prefetch0(c + NR - 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector256<float> alpha, Vector256<float> x0, Vector256<float> x1)
    {
        Avx.Store(c, Avx.Multiply(alpha, x0));
        Avx.Store(c + 8, Avx.Multiply(alpha, x1));
    }

    /// <summary>c = fma(alpha, acc, beta · c): the same rounding as the scalar edge store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateRow(float* c, Vector256<float> alpha, Vector256<float> beta, Vector256<float> x0, Vector256<float> x1)
    {
        Avx.Store(c, Fma.MultiplyAdd(alpha, x0, Avx.Multiply(beta, Avx.LoadVector256(c))));
        Avx.Store(c + 8, Fma.MultiplyAdd(alpha, x1, Avx.Multiply(beta, Avx.LoadVector256(c + 8))));
    }
}
