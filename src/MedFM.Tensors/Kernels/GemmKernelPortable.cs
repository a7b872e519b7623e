using System.Numerics;
using System.Runtime.CompilerServices;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// The portable micro-kernel for CPUs without AVX2/FMA (ARM64 NEON, older x64): the same 6×16 tile and packed
/// layouts as <see cref="GemmKernelAvx2"/>, written with <see cref="Vector{T}"/>. The 16 columns are covered in
/// passes of two vectors per row (12 accumulators); the tile is summed in a stack buffer (loaded from C when
/// accumulating) and copied to C.
/// </summary>
[SkipLocalsInit]
internal static unsafe class GemmKernelPortable
{
    public const int MR = 6, NR = 16;

    public static string Name => Vector.IsHardwareAccelerated ? $"Vector{Vector<float>.Count * 32}" : "scalar";

    /// <summary>
    /// C[0..6, 0..16] = C + Σ_p a[p] ⊗ b[p] when accumulating, else Σ_p a[p] ⊗ b[p] (C not read): each element one
    /// chain of fused multiply-adds over p in order, as the AVX kernels.
    /// </summary>
    public static void Tile(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        float* acc = stackalloc float[MR * NR];
        GemmStore.LoadTile(c, ldc, MR, NR, acc, MR, NR, accumulate);
        Accumulate(kc, a, b, acc);
        GemmStore.StoreTile(acc, NR, c, ldc, MR, NR);
    }

    /// <summary>acc[6×16] += Σ_p a[p] ⊗ b[p], one fused multiply-add chain per element.</summary>
    public static void Accumulate(int kc, float* a, float* b, float* acc)
    {
        int w = Vector<float>.Count;
        if (NR % (2 * w) == 0)
        {
            for (int g = 0; g < NR; g += 2 * w) Pass2(kc, a, b + g, acc + g);
        }
        else if (NR % w == 0)
        {
            for (int g = 0; g < NR; g += w) Pass1(kc, a, b + g, acc + g);
        }
        else
        {
            Scalar(kc, a, b, acc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pass2(int kc, float* a, float* b, float* acc)
    {
        int w = Vector<float>.Count;
        Get(acc, w, out var c00, out var c01);
        Get(acc + NR, w, out var c10, out var c11);
        Get(acc + 2 * NR, w, out var c20, out var c21);
        Get(acc + 3 * NR, w, out var c30, out var c31);
        Get(acc + 4 * NR, w, out var c40, out var c41);
        Get(acc + 5 * NR, w, out var c50, out var c51);
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            var b0 = Unsafe.ReadUnaligned<Vector<float>>(b);
            var b1 = Unsafe.ReadUnaligned<Vector<float>>(b + w);
            var av = new Vector<float>(a[0]);
            c00 = Vector.MultiplyAddEstimate(av, b0, c00);
            c01 = Vector.MultiplyAddEstimate(av, b1, c01);
            av = new Vector<float>(a[1]);
            c10 = Vector.MultiplyAddEstimate(av, b0, c10);
            c11 = Vector.MultiplyAddEstimate(av, b1, c11);
            av = new Vector<float>(a[2]);
            c20 = Vector.MultiplyAddEstimate(av, b0, c20);
            c21 = Vector.MultiplyAddEstimate(av, b1, c21);
            av = new Vector<float>(a[3]);
            c30 = Vector.MultiplyAddEstimate(av, b0, c30);
            c31 = Vector.MultiplyAddEstimate(av, b1, c31);
            av = new Vector<float>(a[4]);
            c40 = Vector.MultiplyAddEstimate(av, b0, c40);
            c41 = Vector.MultiplyAddEstimate(av, b1, c41);
            av = new Vector<float>(a[5]);
            c50 = Vector.MultiplyAddEstimate(av, b0, c50);
            c51 = Vector.MultiplyAddEstimate(av, b1, c51);
        }
        Put(acc, w, c00, c01);
        Put(acc + NR, w, c10, c11);
        Put(acc + 2 * NR, w, c20, c21);
        Put(acc + 3 * NR, w, c30, c31);
        Put(acc + 4 * NR, w, c40, c41);
        Put(acc + 5 * NR, w, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pass1(int kc, float* a, float* b, float* acc)
    {
        var c0 = Unsafe.ReadUnaligned<Vector<float>>(acc);
        var c1 = Unsafe.ReadUnaligned<Vector<float>>(acc + NR);
        var c2 = Unsafe.ReadUnaligned<Vector<float>>(acc + 2 * NR);
        var c3 = Unsafe.ReadUnaligned<Vector<float>>(acc + 3 * NR);
        var c4 = Unsafe.ReadUnaligned<Vector<float>>(acc + 4 * NR);
        var c5 = Unsafe.ReadUnaligned<Vector<float>>(acc + 5 * NR);
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            var bv = Unsafe.ReadUnaligned<Vector<float>>(b);
            c0 = Vector.MultiplyAddEstimate(new Vector<float>(a[0]), bv, c0);
            c1 = Vector.MultiplyAddEstimate(new Vector<float>(a[1]), bv, c1);
            c2 = Vector.MultiplyAddEstimate(new Vector<float>(a[2]), bv, c2);
            c3 = Vector.MultiplyAddEstimate(new Vector<float>(a[3]), bv, c3);
            c4 = Vector.MultiplyAddEstimate(new Vector<float>(a[4]), bv, c4);
            c5 = Vector.MultiplyAddEstimate(new Vector<float>(a[5]), bv, c5);
        }
        Unsafe.WriteUnaligned(acc, c0);
        Unsafe.WriteUnaligned(acc + NR, c1);
        Unsafe.WriteUnaligned(acc + 2 * NR, c2);
        Unsafe.WriteUnaligned(acc + 3 * NR, c3);
        Unsafe.WriteUnaligned(acc + 4 * NR, c4);
        Unsafe.WriteUnaligned(acc + 5 * NR, c5);
    }

    private static void Scalar(int kc, float* a, float* b, float* acc)
    {
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++)
            acc[i * NR + j] = MathF.FusedMultiplyAdd(a[i], b[j], acc[i * NR + j]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Get(float* row, int w, out Vector<float> x0, out Vector<float> x1)
    {
        x0 = Unsafe.ReadUnaligned<Vector<float>>(row);
        x1 = Unsafe.ReadUnaligned<Vector<float>>(row + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* row, int w, Vector<float> x0, Vector<float> x1)
    {
        Unsafe.WriteUnaligned(row, x0);
        Unsafe.WriteUnaligned(row + w, x1);
    }
}
