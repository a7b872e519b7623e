using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// The small products inside an attention tile (scores Q·Kᵀ, P·V and their backward forms), run on one thread with
/// a register-blocked micro-kernel: up to 6 rows × 32 columns in 12 zmm accumulators on AVX-512 CPUs (blocks of 32
/// columns), else 6 rows × 16 columns in 12 ymm accumulators; each step
/// broadcasts one A element per row and loads two 8-wide B vectors. A is read through arbitrary element strides
/// (so Pᵀ and dSᵀ need no transposed copy); B and C are row-major. n must be a multiple of 8: callers pad their
/// buffers, and the padded columns of C are written too.
/// </summary>
internal static unsafe class AttentionTileGemm
{
    /// <summary>C[m×n] (+)= A[m×k]·B[k×n]; A(i, p) = a[i·ars + p·acs]; overwrite when accumulate is false.</summary>
    public static void Run(int m, int n, int k, float* a, int ars, int acs, float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        if ((n & 7) != 0) throw new ArgumentException($"attention tile: n = {n} is not a multiple of 8");
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) new Span<float>(c + (long)i * ldc, n).Clear();
            return;
        }
        int j = 0;
        if (VecMath512.IsSupported)
        {
            // Blocks of 32 columns in 16-lane vectors: the same per-element FMA chain as the 16-column kernel.
            for (; j + 32 <= n; j += 32)
            {
                for (int i = 0; i < m; i += 6)
                    Wide32(Math.Min(6, m - i), k, a + (long)i * ars, ars, acs, b + j, ldb, c + (long)i * ldc + j, ldc, accumulate);
            }
        }
        for (; j < n; j += 16)
        {
            bool wide = n - j >= 16;
            for (int i = 0; i < m; i += 6)
            {
                float* ap = a + (long)i * ars;
                float* cp = c + (long)i * ldc + j;
                int rows = Math.Min(6, m - i);
                if (wide) Wide(rows, k, ap, ars, acs, b + j, ldb, cp, ldc, accumulate);
                else Narrow(rows, k, ap, ars, acs, b + j, ldb, cp, ldc, accumulate);
            }
        }
    }

    private static void Wide(int rows, int k, float* a, int ars, int acs, float* b, int ldb, float* c, int ldc, bool acc)
    {
        switch (rows)
        {
            case 6: Kernel16<R6>(k, a, ars, acs, b, ldb, c, ldc, acc); break;
            case 5: Kernel16<R5>(k, a, ars, acs, b, ldb, c, ldc, acc); break;
            case 4: Kernel16<R4>(k, a, ars, acs, b, ldb, c, ldc, acc); break;
            case 3: Kernel16<R3>(k, a, ars, acs, b, ldb, c, ldc, acc); break;
            case 2: Kernel16<R2>(k, a, ars, acs, b, ldb, c, ldc, acc); break;
            default: Kernel16<R1>(k, a, ars, acs, b, ldb, c, ldc, acc); break;
        }
    }

    private static void Wide32(int rows, int k, float* a, int ars, int acs, float* b, int ldb, float* c, int ldc, bool acc)
    {
        switch (rows)
        {
            case 6: Kernel32<R6>(k, a, ars, acs, b, ldb, c, ldc, acc); break;
            case 5: Kernel32<R5>(k, a, ars, acs, b, ldb, c, ldc, acc); break;
            case 4: Kernel32<R4>(k, a, ars, acs, b, ldb, c, ldc, acc); break;
            case 3: Kernel32<R3>(k, a, ars, acs, b, ldb, c, ldc, acc); break;
            case 2: Kernel32<R2>(k, a, ars, acs, b, ldb, c, ldc, acc); break;
            default: Kernel32<R1>(k, a, ars, acs, b, ldb, c, ldc, acc); break;
        }
    }

    private static void Narrow(int rows, int k, float* a, int ars, int acs, float* b, int ldb, float* c, int ldc, bool acc)
    {
        // A last block of 8 columns: one row at a time, two accumulators over alternate p.
        for (int r = 0; r < rows; r++)
        {
            float* ar = a + (long)r * ars;
            var s0 = Vector256<float>.Zero;
            var s1 = Vector256<float>.Zero;
            int p = 0;
            for (; p + 1 < k; p += 2)
            {
                s0 = VecMath.Mad(Vector256.Create(ar[(long)p * acs]), Vector256.Load(b + (long)p * ldb), s0);
                s1 = VecMath.Mad(Vector256.Create(ar[(long)(p + 1) * acs]), Vector256.Load(b + (long)(p + 1) * ldb), s1);
            }
            if (p < k) s0 = VecMath.Mad(Vector256.Create(ar[(long)p * acs]), Vector256.Load(b + (long)p * ldb), s0);
            float* cr = c + (long)r * ldc;
            var sum = s0 + s1;
            if (acc) sum += Vector256.Load(cr);
            sum.Store(cr);
        }
    }

    private interface IRows
    {
        static abstract int Count { get; }
    }

    private readonly struct R1 : IRows { public static int Count => 1; }

    private readonly struct R2 : IRows { public static int Count => 2; }

    private readonly struct R3 : IRows { public static int Count => 3; }

    private readonly struct R4 : IRows { public static int Count => 4; }

    private readonly struct R5 : IRows { public static int Count => 5; }

    private readonly struct R6 : IRows { public static int Count => 6; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel16<TR>(int k, float* a, int ars, int acs, float* b, int ldb, float* c, int ldc, bool acc) where TR : struct, IRows
    {
        int rows = TR.Count;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a1 = a + ars, a2 = a + 2 * ars, a3 = a + 3 * ars, a4 = a + 4 * ars, a5 = a + 5 * ars;
        for (int p = 0; p < k; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            b += ldb;
            long o = (long)p * acs;
            var av = Vector256.Create(a[o]);
            c00 = VecMath.Mad(av, b0, c00);
            c01 = VecMath.Mad(av, b1, c01);
            if (rows > 1) { av = Vector256.Create(a1[o]); c10 = VecMath.Mad(av, b0, c10); c11 = VecMath.Mad(av, b1, c11); }
            if (rows > 2) { av = Vector256.Create(a2[o]); c20 = VecMath.Mad(av, b0, c20); c21 = VecMath.Mad(av, b1, c21); }
            if (rows > 3) { av = Vector256.Create(a3[o]); c30 = VecMath.Mad(av, b0, c30); c31 = VecMath.Mad(av, b1, c31); }
            if (rows > 4) { av = Vector256.Create(a4[o]); c40 = VecMath.Mad(av, b0, c40); c41 = VecMath.Mad(av, b1, c41); }
            if (rows > 5) { av = Vector256.Create(a5[o]); c50 = VecMath.Mad(av, b0, c50); c51 = VecMath.Mad(av, b1, c51); }
        }
        Store(c, c00, c01, acc);
        if (rows > 1) Store(c + ldc, c10, c11, acc);
        if (rows > 2) Store(c + 2 * ldc, c20, c21, acc);
        if (rows > 3) Store(c + 3 * ldc, c30, c31, acc);
        if (rows > 4) Store(c + 4 * ldc, c40, c41, acc);
        if (rows > 5) Store(c + 5 * ldc, c50, c51, acc);
    }

    /// <summary>Up to 6 rows × 32 columns in 12 zmm accumulators (AVX-512 form of <see cref="Kernel16{TR}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel32<TR>(int k, float* a, int ars, int acs, float* b, int ldb, float* c, int ldc, bool acc) where TR : struct, IRows
    {
        int rows = TR.Count;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* a1 = a + ars, a2 = a + 2 * ars, a3 = a + 3 * ars, a4 = a + 4 * ars, a5 = a + 5 * ars;
        for (int p = 0; p < k; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            b += ldb;
            long o = (long)p * acs;
            var av = Vector512.Create(a[o]);
            c00 = Avx512F.FusedMultiplyAdd(av, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            if (rows > 1) { av = Vector512.Create(a1[o]); c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11); }
            if (rows > 2) { av = Vector512.Create(a2[o]); c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21); }
            if (rows > 3) { av = Vector512.Create(a3[o]); c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31); }
            if (rows > 4) { av = Vector512.Create(a4[o]); c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41); }
            if (rows > 5) { av = Vector512.Create(a5[o]); c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51); }
        }
        Store(c, c00, c01, acc);
        if (rows > 1) Store(c + ldc, c10, c11, acc);
        if (rows > 2) Store(c + 2 * ldc, c20, c21, acc);
        if (rows > 3) Store(c + 3 * ldc, c30, c31, acc);
        if (rows > 4) Store(c + 4 * ldc, c40, c41, acc);
        if (rows > 5) Store(c + 5 * ldc, c50, c51, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> v0, Vector512<float> v1, bool acc)
    {
        if (acc)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + 16);
        }
        v0.Store(c);
        v1.Store(c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> v0, Vector256<float> v1, bool acc)
    {
        if (acc)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + 8);
        }
        v0.Store(c);
        v1.Store(c + 8);
    }
}
