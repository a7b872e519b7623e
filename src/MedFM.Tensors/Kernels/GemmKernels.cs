using System.Runtime.CompilerServices;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// A register-tile micro-kernel and the shape of its packed panels. Implemented by empty structs so the blocked GEMM
/// and the packing are specialised per kernel by the JIT (MR and NR become constants).
/// </summary>
internal unsafe interface IGemmKernel
{
    /// <summary>Rows of the register tile (floats per k in a packed A panel).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the register tile (floats per k in a packed B panel).</summary>
    static abstract int NR { get; }

    /// <summary>Whether packing may use the AVX transposes (the portable kernel tests the scalar packing).</summary>
    static abstract bool AvxPacking { get; }

    /// <summary>
    /// The depth of the KC blocks the products with this kernel are split into (its L1/L2 fit). A block boundary does
    /// not change a result: the kernels carry each element's chain of fused multiply-adds through C.
    /// </summary>
    static abstract int KC { get; }

    /// <summary>
    /// C[0..MR, 0..NR] = C + Σ_p a[p] ⊗ b[p] when accumulating, else Σ_p a[p] ⊗ b[p] (C not read): each element
    /// one fused multiply-add chain over p in order, starting from C's value or zero.
    /// </summary>
    static abstract void Tile(int kc, float* a, float* b, float* c, int ldc, bool accumulate);

    /// <summary>Rows in <see cref="HalfTile"/> (0: the kernel has none; edge tiles then run the full one).</summary>
    static abstract int HalfMR { get; }

    /// <summary>The first HalfMR rows of <see cref="Tile"/>, summed identically (edge tiles with few rows).</summary>
    static abstract void HalfTile(int kc, float* a, float* b, float* c, int ldc, bool accumulate);
}

internal unsafe struct Avx512Kernel : IGemmKernel
{
    public static int MR => GemmKernelAvx512.MR;
    public static int NR => GemmKernelAvx512.NR;
    public static int KC => GemmBlocking.KcWide;
    public static bool AvxPacking => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile(int kc, float* a, float* b, float* c, int ldc, bool accumulate) =>
        GemmKernelAvx512.Tile(kc, a, b, c, ldc, accumulate);

    public static int HalfMR => 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void HalfTile(int kc, float* a, float* b, float* c, int ldc, bool accumulate) =>
        GemmKernelAvx512.Tile6(kc, a, b, c, ldc, accumulate);
}

internal unsafe struct Avx2Kernel : IGemmKernel
{
    public static int MR => GemmKernelAvx2.MR;
    public static int NR => GemmKernelAvx2.NR;
    public static int KC => GemmBlocking.KC;
    public static bool AvxPacking => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile(int kc, float* a, float* b, float* c, int ldc, bool accumulate) =>
        GemmKernelAvx2.Tile(kc, a, b, c, ldc, accumulate);

    public static int HalfMR => 0;

    public static void HalfTile(int kc, float* a, float* b, float* c, int ldc, bool accumulate) =>
        throw new NotSupportedException("no half tile");
}

internal unsafe struct PortableKernel : IGemmKernel
{
    public static int MR => GemmKernelPortable.MR;
    public static int NR => GemmKernelPortable.NR;
    public static int KC => GemmBlocking.KC;
    public static bool AvxPacking => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile(int kc, float* a, float* b, float* c, int ldc, bool accumulate) =>
        GemmKernelPortable.Tile(kc, a, b, c, ldc, accumulate);

    public static int HalfMR => 0;

    public static void HalfTile(int kc, float* a, float* b, float* c, int ldc, bool accumulate) =>
        throw new NotSupportedException("no half tile");
}

/// <summary>
/// Chooses the managed micro-kernel at run time: AVX-512F where the CPU has it, else AVX2/FMA, else the portable one.
/// MEDFM_SIMD=avx2 or =portable caps the choice (benchmarks of the narrower kernels on a wider CPU).
/// </summary>
internal static unsafe class GemmKernels
{
    private static readonly string? Cap = Environment.GetEnvironmentVariable("MEDFM_SIMD")?.Trim().ToLowerInvariant();

    /// <summary>Forces the portable Vector&lt;float&gt; kernel and scalar packing (tests; CPUs are detected otherwise).</summary>
    internal static bool ForcePortable { get; set; }

    /// <summary>Forces the AVX2 kernel on a CPU with AVX-512 (tests of both kernels on one machine).</summary>
    internal static bool ForceAvx2 { get; set; }

    public static bool UseAvx512 => GemmKernelAvx512.IsSupported && !ForcePortable && !ForceAvx2 && Cap is not ("avx2" or "portable");

    public static bool UseAvx2 => GemmKernelAvx2.IsSupported && !ForcePortable && Cap is not "portable";

    /// <summary>The micro-kernel products use now.</summary>
    public static GemmKernelKind Kind => UseAvx512 ? GemmKernelKind.Avx512 : UseAvx2 ? GemmKernelKind.Avx2 : GemmKernelKind.Portable;

    /// <summary>"AVX-512F", "AVX2+FMA", or the portable kernel's vector width ("Vector128", "Vector256") or "scalar".</summary>
    public static string Name => UseAvx512 ? "AVX-512F" : UseAvx2 ? "AVX2+FMA" : GemmKernelPortable.Name;

    /// <summary>
    /// The macro-kernel: every MR×NR tile of an mc×nc block of C from a packed A block and a packed B block, summed
    /// onto C when accumulating (a later KC block, or beta = 1), else written.
    /// The B micro-panel (jr loop, outer) stays in L1 while the A panels stream from L2.
    /// </summary>
    [SkipLocalsInit]
    public static void Block<K>(float* ap, float* bp, int mc, int nc, int kc, float* c, int ldc, bool accumulate)
        where K : struct, IGemmKernel => Block<K>(ap, bp, mc, nc, kc, c, ldc, accumulate, default, 0);

    /// <summary>The macro-kernel with an epilogue applied to each finished tile (col0: C's column of the block's first).</summary>
    [SkipLocalsInit]
    public static void Block<K>(float* ap, float* bp, int mc, int nc, int kc, float* c, int ldc, bool accumulate,
        in GemmEpilogue epilogue, int col0)
        where K : struct, IGemmKernel
    {
        bool epi = epilogue.IsActive;
        int mrFull = K.MR, nrFull = K.NR;
        float* tmp = stackalloc float[GemmKernelAvx512.MR * GemmKernelAvx512.NR];
        for (int jr = 0; jr < nc; jr += nrFull)
        {
            int nr = Math.Min(nrFull, nc - jr);
            float* bpanel = bp + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += mrFull)
            {
                int mr = Math.Min(mrFull, mc - ir);
                float* apanel = ap + (long)ir * kc;
                float* cc = c + (long)ir * ldc + jr;
                if (mr == mrFull && nr == nrFull)
                {
                    // The kernel reads an accumulated tile's C first thing: start the next tile's rows on their way.
                    if (accumulate && ir + 2 * mrFull <= mc) GemmStore.Prefetch(cc + (long)mrFull * ldc, ldc, mrFull, nrFull);
                    K.Tile(kc, apanel, bpanel, cc, ldc, accumulate);
                }
                else
                {
                    bool half = mr <= K.HalfMR;
                    GemmStore.LoadTile(cc, ldc, mr, nr, tmp, half ? K.HalfMR : mrFull, nrFull, accumulate);
                    if (half) K.HalfTile(kc, apanel, bpanel, tmp, nrFull, true);
                    else K.Tile(kc, apanel, bpanel, tmp, nrFull, true);
                    GemmStore.StoreTile(tmp, nrFull, cc, ldc, mr, nr);
                }
                if (epi) epilogue.Apply(cc, ldc, mr, nr, col0 + jr);
            }
        }
    }
}
