using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Packing of GEMM operands into the micro-kernel's panel layouts; transposed operands are read here, so the
/// micro-kernel sees one layout only. Panels past the matrix edge are padded with zeros.
/// <list type="bullet">
/// <item>A block (mc×kc of op(A)) → ⌈mc/MR⌉ panels of kc×MR floats: panel r holds rows r·MR.., MR floats per k.</item>
/// <item>B block (kc×nc of op(B)) → ⌈nc/NR⌉ panels of kc×NR floats: panel j holds columns j·NR.., NR floats per k.</item>
/// </list>
/// </summary>
internal static unsafe class GemmPack<K> where K : struct, IGemmKernel
{
    private static int MR => K.MR;
    private static int NR => K.NR;

    /// <summary>Packs op(A)[i0..i0+mc, p0..p0+kc] into dst (⌈mc/MR⌉·MR·kc floats).</summary>
    public static void A(bool transA, float* a, int lda, int i0, int mc, int p0, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR, dst += MR * kc)
        {
            int mr = Math.Min(MR, mc - ir);
            if (transA) PanelATransposed(a + (long)p0 * lda + i0 + ir, lda, mr, kc, dst);
            else if (mr == MR && K.AvxPacking)
            {
                for (int r = 0; r < MR; r += 6) PanelA6Avx(a + (long)(i0 + ir + r) * lda + p0, lda, kc, dst + r);
            }
            else PanelA(a + (long)(i0 + ir) * lda + p0, lda, mr, kc, dst);
        }
    }

    /// <summary>Packs panels [panelLo, panelHi) of op(B)[p0..p0+kc, j0..j0+nc] into dst (panel j at j·NR·kc).</summary>
    public static void B(bool transB, float* b, int ldb, int p0, int kc, int j0, int nc, int panelLo, int panelHi, float* dst)
    {
        for (int jp = panelLo; jp < panelHi; jp++)
        {
            int j = jp * NR, nr = Math.Min(NR, nc - j);
            float* d = dst + (long)jp * NR * kc;
            if (!transB) PanelB(b + (long)p0 * ldb + j0 + j, ldb, nr, kc, d);
            else if (nr == NR && K.AvxPacking) PanelBTransposedAvx(b + (long)(j0 + j) * ldb + p0, ldb, kc, d);
            else PanelBTransposed(b + (long)(j0 + j) * ldb + p0, ldb, nr, kc, d);
        }
    }

    /// <summary>A row-major: row r of the panel is a contiguous run of kc floats at src + r·lda.</summary>
    private static void PanelA(float* src, int lda, int mr, int kc, float* d)
    {
        if (mr == MR && MR % 6 == 0)
        {
            for (int g = 0; g < MR; g += 6) PanelA6(src + (long)g * lda, lda, kc, d + g);
            return;
        }
        for (int p = 0; p < kc; p++, d += MR)
        {
            for (int r = 0; r < mr; r++) d[r] = src[(long)r * lda + p];
            for (int r = mr; r < MR; r++) d[r] = 0;
        }
    }

    /// <summary>Six full rows of A into floats [0, 6) of each MR-float k step.</summary>
    private static void PanelA6(float* src, int lda, int kc, float* d)
    {
        float* r0 = src, r1 = src + lda, r2 = src + 2L * lda, r3 = src + 3L * lda, r4 = src + 4L * lda, r5 = src + 5L * lda;
        for (int p = 0; p < kc; p++, d += MR)
        {
            d[0] = r0[p];
            d[1] = r1[p];
            d[2] = r2[p];
            d[3] = r3[p];
            d[4] = r4[p];
            d[5] = r5[p];
        }
    }

    /// <summary>Six full rows of a row-major A panel with AVX: 8 k at a time, transposed as an 8×8 block with two zero
    /// rows, into floats [0, 6) of each MR-float k step.</summary>
    private static void PanelA6Avx(float* src, int lda, int kc, float* d)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8, d += 8 * MR)
        {
            var r0 = Avx.LoadVector256(src + p);
            var r1 = Avx.LoadVector256(src + lda + p);
            var r2 = Avx.LoadVector256(src + 2L * lda + p);
            var r3 = Avx.LoadVector256(src + 3L * lda + p);
            var r4 = Avx.LoadVector256(src + 4L * lda + p);
            var r5 = Avx.LoadVector256(src + 5L * lda + p);
            var z = Vector256<float>.Zero;
            var t0 = Avx.UnpackLow(r0, r1);
            var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3);
            var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5);
            var t5 = Avx.UnpackHigh(r4, r5);
            var u0 = Avx.Shuffle(t0, t2, 0x44);
            var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44);
            var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var u4 = Avx.Shuffle(t4, z, 0x44);
            var u5 = Avx.Shuffle(t4, z, 0xEE);
            var u6 = Avx.Shuffle(t5, z, 0x44);
            var u7 = Avx.Shuffle(t5, z, 0xEE);
            Store6(d, Avx.Permute2x128(u0, u4, 0x20));
            Store6(d + MR, Avx.Permute2x128(u1, u5, 0x20));
            Store6(d + 2 * MR, Avx.Permute2x128(u2, u6, 0x20));
            Store6(d + 3 * MR, Avx.Permute2x128(u3, u7, 0x20));
            Store6(d + 4 * MR, Avx.Permute2x128(u0, u4, 0x31));
            Store6(d + 5 * MR, Avx.Permute2x128(u1, u5, 0x31));
            Store6(d + 6 * MR, Avx.Permute2x128(u2, u6, 0x31));
            Store6(d + 7 * MR, Avx.Permute2x128(u3, u7, 0x31));
        }
        for (; p < kc; p++, d += MR)
        {
            for (int r = 0; r < 6; r++) d[r] = src[(long)r * lda + p];
        }
    }

    /// <summary>Writes the first six floats of v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store6(float* d, Vector256<float> v)
    {
        Sse.Store(d, v.GetLower());
        Sse2.StoreLow((double*)(d + 4), v.GetUpper().AsDouble());
    }

    /// <summary>A stored transposed ([k, m]): the MR floats of one k are contiguous at src + p·lda.</summary>
    private static void PanelATransposed(float* src, int lda, int mr, int kc, float* d)
    {
        if (mr == MR && K.AvxPacking)
        {
            for (int p = 0; p < kc; p++, d += MR, src += lda)
            {
                int r = 0;
                for (; r + 8 <= MR; r += 8) Avx.Store(d + r, Avx.LoadVector256(src + r));
                for (; r < MR; r++) d[r] = src[r];
            }
            return;
        }
        for (int p = 0; p < kc; p++, d += MR, src += lda)
        {
            for (int r = 0; r < mr; r++) d[r] = src[r];
            for (int r = mr; r < MR; r++) d[r] = 0;
        }
    }

    /// <summary>B row-major: the NR floats of one k are contiguous at src + p·ldb.</summary>
    private static void PanelB(float* src, int ldb, int nr, int kc, float* d)
    {
        if (nr == NR)
        {
            for (int p = 0; p < kc; p++, d += NR, src += ldb)
            {
                for (int j = 0; j < NR; j += 8) Unsafe.WriteUnaligned(d + j, Unsafe.ReadUnaligned<Vector256<float>>(src + j));
            }
            return;
        }
        for (int p = 0; p < kc; p++, d += NR, src += ldb)
        {
            int j = 0;
            for (; j + 8 <= nr; j += 8) Unsafe.WriteUnaligned(d + j, Unsafe.ReadUnaligned<Vector256<float>>(src + j));
            for (; j < nr; j++) d[j] = src[j];
            for (; j < NR; j++) d[j] = 0;
        }
    }

    /// <summary>B stored transposed ([n, k]): column j of the panel is a contiguous run of kc floats at src + j·ldb.</summary>
    private static void PanelBTransposed(float* src, int ldb, int nr, int kc, float* d)
    {
        for (int p = 0; p < kc; p++, d += NR)
        {
            for (int j = 0; j < nr; j++) d[j] = src[(long)j * ldb + p];
            for (int j = nr; j < NR; j++) d[j] = 0;
        }
    }

    /// <summary>Full transposed B panel with 8×8 AVX transposes: NR rows of B become kc rows of NR.</summary>
    private static void PanelBTransposedAvx(float* src, int ldb, int kc, float* d)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            for (int j = 0; j < NR; j += 8) Transpose8x8(src + (long)j * ldb + p, ldb, d + p * NR + j);
        }
        for (; p < kc; p++)
        {
            for (int j = 0; j < NR; j++) d[p * NR + j] = src[(long)j * ldb + p];
        }
    }

    /// <summary>Reads 8 rows of 8 floats (stride ld) and writes them transposed as 8 rows of 8 (stride NR).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* s, int ld, float* d)
    {
        var r0 = Avx.LoadVector256(s);
        var r1 = Avx.LoadVector256(s + ld);
        var r2 = Avx.LoadVector256(s + 2L * ld);
        var r3 = Avx.LoadVector256(s + 3L * ld);
        var r4 = Avx.LoadVector256(s + 4L * ld);
        var r5 = Avx.LoadVector256(s + 5L * ld);
        var r6 = Avx.LoadVector256(s + 6L * ld);
        var r7 = Avx.LoadVector256(s + 7L * ld);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + NR, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * NR, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * NR, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * NR, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * NR, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * NR, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * NR, Avx.Permute2x128(u3, u7, 0x31));
    }
}
