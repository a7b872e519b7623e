using System.Runtime.CompilerServices;

namespace MedFM.Tensors.Kernels;

/// <summary>Chooses the managed micro-kernel at run time: AVX2/FMA where the CPU has it, else the portable one.</summary>
internal static unsafe class GemmKernels
{
    /// <summary>Forces the portable Vector&lt;float&gt; kernel and scalar packing (tests; CPUs are detected otherwise).</summary>
    internal static bool ForcePortable { get; set; }

    public static bool UseAvx2 => GemmKernelAvx2.IsSupported && !ForcePortable;

    /// <summary>"AVX2+FMA", or the portable kernel's vector width ("Vector128", "Vector256") or "scalar".</summary>
    public static string Name => UseAvx2 ? "AVX2+FMA" : GemmKernelPortable.Name;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile(bool avx2, int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        if (avx2) GemmKernelAvx2.Tile(kc, a, b, c, ldc, alpha, beta);
        else GemmKernelPortable.Tile(kc, a, b, c, ldc, alpha, beta);
    }

    /// <summary>
    /// The macro-kernel: every MR×NR tile of an mc×nc block of C from a packed A block and a packed B block.
    /// The B micro-panel (jr loop, outer) stays in L1 while the A panels stream from L2.
    /// </summary>
    [SkipLocalsInit]
    public static void Block(float* ap, float* bp, int mc, int nc, int kc, float* c, int ldc, float alpha, float beta)
    {
        const int MR = GemmBlocking.MR, NR = GemmBlocking.NR;
        float* tmp = stackalloc float[MR * NR];
        bool avx2 = UseAvx2;
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            float* bpanel = bp + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += MR)
            {
                int mr = Math.Min(MR, mc - ir);
                float* apanel = ap + (long)ir * kc;
                float* cc = c + (long)ir * ldc + jr;
                if (mr == MR && nr == NR)
                {
                    Tile(avx2, kc, apanel, bpanel, cc, ldc, alpha, beta);
                }
                else
                {
                    Tile(avx2, kc, apanel, bpanel, tmp, NR, 1f, 0f);
                    GemmStore.Edge(tmp, cc, ldc, mr, nr, alpha, beta);
                }
            }
        }
    }
}
