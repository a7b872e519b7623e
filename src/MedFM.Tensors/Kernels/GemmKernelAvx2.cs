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

    /// <summary>
    /// C[0..6, 0..16] = C + Σ_p a[p] ⊗ b[p] when accumulating, else Σ_p a[p] ⊗ b[p] (C not read): each element one
    /// chain of fused multiply-adds over p in order, starting from C's value or from zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (accumulate)
        {
            LoadRow(c, out c00, out c01);
            LoadRow(c + ldc, out c10, out c11);
            LoadRow(c + 2 * ldc, out c20, out c21);
            LoadRow(c + 3 * ldc, out c30, out c31);
            LoadRow(c + 4 * ldc, out c40, out c41);
            LoadRow(c + 5 * ldc, out c50, out c51);
        }
        else GemmStore.Prefetch(c, ldc, MR, NR);
        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            Step(a, b, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            Step(a + MR, b + NR, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            a += 2 * MR;
            b += 2 * NR;
        }
        if (p < kc) Step(a, b, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
        StoreRow(c, c00, c01);
        StoreRow(c + ldc, c10, c11);
        StoreRow(c + 2 * ldc, c20, c21);
        StoreRow(c + 3 * ldc, c30, c31);
        StoreRow(c + 4 * ldc, c40, c41);
        StoreRow(c + 5 * ldc, c50, c51);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadRow(float* c, out Vector256<float> x0, out Vector256<float> x1)
    {
        x0 = Avx.LoadVector256(c);
        x1 = Avx.LoadVector256(c + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector256<float> x0, Vector256<float> x1)
    {
        Avx.Store(c, x0);
        Avx.Store(c + 8, x1);
    }
}
