using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// The AVX-512F micro-kernel: a 12×32 tile of C held in 24 zmm accumulators (12 rows × 2 vectors of 16), fed per k
/// by two 16-float loads of the packed B panel and twelve broadcasts from the packed A panel (24 accumulators +
/// 2 B vectors + 1 broadcast = 27 of the 32 zmm registers; 24 FMAs per 14 loads keep both FMA pipes busy).
/// Each element is summed over k in the same order and with the same fused multiply-adds as the AVX2 kernel, so
/// both give bit-identical products. Packed A: MR floats per k; packed B: NR floats per k.
/// </summary>
internal static unsafe class GemmKernelAvx512
{
    public const int MR = 12, NR = 32;

    public static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>
    /// C[0..12, 0..32] = C + Σ_p a[p] ⊗ b[p] when accumulating, else Σ_p a[p] ⊗ b[p] (C not read): each element one
    /// chain of fused multiply-adds over p in order, starting from C's value or from zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        if (accumulate)
        {
            c00 = Avx512F.LoadVector512(c);
            c01 = Avx512F.LoadVector512(c + 16);
            c10 = Avx512F.LoadVector512(c + ldc);
            c11 = Avx512F.LoadVector512(c + ldc + 16);
            c20 = Avx512F.LoadVector512(c + 2L * ldc);
            c21 = Avx512F.LoadVector512(c + 2L * ldc + 16);
            c30 = Avx512F.LoadVector512(c + 3L * ldc);
            c31 = Avx512F.LoadVector512(c + 3L * ldc + 16);
            c40 = Avx512F.LoadVector512(c + 4L * ldc);
            c41 = Avx512F.LoadVector512(c + 4L * ldc + 16);
            c50 = Avx512F.LoadVector512(c + 5L * ldc);
            c51 = Avx512F.LoadVector512(c + 5L * ldc + 16);
            c60 = Avx512F.LoadVector512(c + 6L * ldc);
            c61 = Avx512F.LoadVector512(c + 6L * ldc + 16);
            c70 = Avx512F.LoadVector512(c + 7L * ldc);
            c71 = Avx512F.LoadVector512(c + 7L * ldc + 16);
            c80 = Avx512F.LoadVector512(c + 8L * ldc);
            c81 = Avx512F.LoadVector512(c + 8L * ldc + 16);
            c90 = Avx512F.LoadVector512(c + 9L * ldc);
            c91 = Avx512F.LoadVector512(c + 9L * ldc + 16);
            ca0 = Avx512F.LoadVector512(c + 10L * ldc);
            ca1 = Avx512F.LoadVector512(c + 10L * ldc + 16);
            cb0 = Avx512F.LoadVector512(c + 11L * ldc);
            cb1 = Avx512F.LoadVector512(c + 11L * ldc + 16);
        }
        else GemmStore.Prefetch(c, ldc, MR, NR);
        // Two k steps per iteration (the JIT keeps all 24 accumulators in registers only when the FMAs are written
        // out in the loop body; a helper taking them by reference spills and measured 8% slower).
        int p = 0;
        for (; p + 2 <= kc; p += 2, a += 2 * MR, b += 2 * NR)
        {
            var b0 = Avx512F.LoadVector512(b);
            var b1 = Avx512F.LoadVector512(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(av, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(av, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            av = Vector512.Create(a[8]);
            c80 = Avx512F.FusedMultiplyAdd(av, b0, c80);
            c81 = Avx512F.FusedMultiplyAdd(av, b1, c81);
            av = Vector512.Create(a[9]);
            c90 = Avx512F.FusedMultiplyAdd(av, b0, c90);
            c91 = Avx512F.FusedMultiplyAdd(av, b1, c91);
            av = Vector512.Create(a[10]);
            ca0 = Avx512F.FusedMultiplyAdd(av, b0, ca0);
            ca1 = Avx512F.FusedMultiplyAdd(av, b1, ca1);
            av = Vector512.Create(a[11]);
            cb0 = Avx512F.FusedMultiplyAdd(av, b0, cb0);
            cb1 = Avx512F.FusedMultiplyAdd(av, b1, cb1);
        
            var d0 = Avx512F.LoadVector512(b + NR);
            var d1 = Avx512F.LoadVector512(b + NR + 16);
            var aw = Vector512.Create(a[12]);
            c00 = Avx512F.FusedMultiplyAdd(aw, d0, c00);
            c01 = Avx512F.FusedMultiplyAdd(aw, d1, c01);
            aw = Vector512.Create(a[13]);
            c10 = Avx512F.FusedMultiplyAdd(aw, d0, c10);
            c11 = Avx512F.FusedMultiplyAdd(aw, d1, c11);
            aw = Vector512.Create(a[14]);
            c20 = Avx512F.FusedMultiplyAdd(aw, d0, c20);
            c21 = Avx512F.FusedMultiplyAdd(aw, d1, c21);
            aw = Vector512.Create(a[15]);
            c30 = Avx512F.FusedMultiplyAdd(aw, d0, c30);
            c31 = Avx512F.FusedMultiplyAdd(aw, d1, c31);
            aw = Vector512.Create(a[16]);
            c40 = Avx512F.FusedMultiplyAdd(aw, d0, c40);
            c41 = Avx512F.FusedMultiplyAdd(aw, d1, c41);
            aw = Vector512.Create(a[17]);
            c50 = Avx512F.FusedMultiplyAdd(aw, d0, c50);
            c51 = Avx512F.FusedMultiplyAdd(aw, d1, c51);
            aw = Vector512.Create(a[18]);
            c60 = Avx512F.FusedMultiplyAdd(aw, d0, c60);
            c61 = Avx512F.FusedMultiplyAdd(aw, d1, c61);
            aw = Vector512.Create(a[19]);
            c70 = Avx512F.FusedMultiplyAdd(aw, d0, c70);
            c71 = Avx512F.FusedMultiplyAdd(aw, d1, c71);
            aw = Vector512.Create(a[20]);
            c80 = Avx512F.FusedMultiplyAdd(aw, d0, c80);
            c81 = Avx512F.FusedMultiplyAdd(aw, d1, c81);
            aw = Vector512.Create(a[21]);
            c90 = Avx512F.FusedMultiplyAdd(aw, d0, c90);
            c91 = Avx512F.FusedMultiplyAdd(aw, d1, c91);
            aw = Vector512.Create(a[22]);
            ca0 = Avx512F.FusedMultiplyAdd(aw, d0, ca0);
            ca1 = Avx512F.FusedMultiplyAdd(aw, d1, ca1);
            aw = Vector512.Create(a[23]);
            cb0 = Avx512F.FusedMultiplyAdd(aw, d0, cb0);
            cb1 = Avx512F.FusedMultiplyAdd(aw, d1, cb1);
                }
        for (; p < kc; p++, a += MR, b += NR)
        {
            var b0 = Avx512F.LoadVector512(b);
            var b1 = Avx512F.LoadVector512(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(av, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(av, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            av = Vector512.Create(a[8]);
            c80 = Avx512F.FusedMultiplyAdd(av, b0, c80);
            c81 = Avx512F.FusedMultiplyAdd(av, b1, c81);
            av = Vector512.Create(a[9]);
            c90 = Avx512F.FusedMultiplyAdd(av, b0, c90);
            c91 = Avx512F.FusedMultiplyAdd(av, b1, c91);
            av = Vector512.Create(a[10]);
            ca0 = Avx512F.FusedMultiplyAdd(av, b0, ca0);
            ca1 = Avx512F.FusedMultiplyAdd(av, b1, ca1);
            av = Vector512.Create(a[11]);
            cb0 = Avx512F.FusedMultiplyAdd(av, b0, cb0);
            cb1 = Avx512F.FusedMultiplyAdd(av, b1, cb1);
                }
        Store(c, c00, c01);
        Store(c + ldc, c10, c11);
        Store(c + 2L * ldc, c20, c21);
        Store(c + 3L * ldc, c30, c31);
        Store(c + 4L * ldc, c40, c41);
        Store(c + 5L * ldc, c50, c51);
        Store(c + 6L * ldc, c60, c61);
        Store(c + 7L * ldc, c70, c71);
        Store(c + 8L * ldc, c80, c81);
        Store(c + 9L * ldc, c90, c91);
        Store(c + 10L * ldc, ca0, ca1);
        Store(c + 11L * ldc, cb0, cb1);
    }

    /// <summary>
    /// Rows 0..6 of the tile (C[0..6, 0..32]) from the same packed panels: for edge tiles of at most six rows (a
    /// 197-token sequence ends in five), half the work of <see cref="Tile"/>, with the same sums in the same order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile6(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (accumulate)
        {
            c00 = Avx512F.LoadVector512(c);
            c01 = Avx512F.LoadVector512(c + 16);
            c10 = Avx512F.LoadVector512(c + ldc);
            c11 = Avx512F.LoadVector512(c + ldc + 16);
            c20 = Avx512F.LoadVector512(c + 2L * ldc);
            c21 = Avx512F.LoadVector512(c + 2L * ldc + 16);
            c30 = Avx512F.LoadVector512(c + 3L * ldc);
            c31 = Avx512F.LoadVector512(c + 3L * ldc + 16);
            c40 = Avx512F.LoadVector512(c + 4L * ldc);
            c41 = Avx512F.LoadVector512(c + 4L * ldc + 16);
            c50 = Avx512F.LoadVector512(c + 5L * ldc);
            c51 = Avx512F.LoadVector512(c + 5L * ldc + 16);
        }
        else GemmStore.Prefetch(c, ldc, 6, NR);
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            var b0 = Avx512F.LoadVector512(b);
            var b1 = Avx512F.LoadVector512(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(av, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(av, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(av, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(av, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(av, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
        }
        Store(c, c00, c01);
        Store(c + ldc, c10, c11);
        Store(c + 2L * ldc, c20, c21);
        Store(c + 3L * ldc, c30, c31);
        Store(c + 4L * ldc, c40, c41);
        Store(c + 5L * ldc, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> x0, Vector512<float> x1)
    {
        Avx512F.Store(c, x0);
        Avx512F.Store(c + 16, x1);
    }
}
