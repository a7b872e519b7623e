namespace MedFM.Tensors.Kernels;

/// <summary>
/// Cache blocking of the managed GEMM (GotoBLAS/BLIS loop nest), sized for Zen 3 to Zen 5: 32–48 KB L1d and
/// 512 KB–1 MB L2 per core, 16+ MB L3 shared. The register tile MR×NR belongs to the micro-kernel (6×16 for AVX2
/// and the portable kernel, 12×32 for AVX-512; see <see cref="IGemmKernel"/>).
/// <list type="bullet">
/// <item>KC = 256 for the 6×16 kernels: a packed B micro-panel (KC×16×4 = 16 KB) plus an A micro-panel (6 KB) stay in L1.</item>
/// <item>KC = 768 for the AVX-512 kernel (<see cref="KcWide"/>): a 768-deep product (ViT-B's qkv, fc1) is one block, so
/// each C tile is written once instead of read and written three times; the B micro-panel (96 KB) streams from L2.
/// Measured against 256 in alternating forwards of one process: ViT-B/16 2–3% faster at batch 1 and 8.</item>
/// <item>MC = 144 (a multiple of both MRs): a packed A block (MC×KC×4 = 144 KB) stays in one core's L2 with room for B panels streaming through.</item>
/// <item>NC = 3072: the packed B block (KC×NC×4 = 3 MB, twice for double buffering) lives in the shared L3.</item>
/// </list>
/// No blocking changes a result: each element is one chain of fused multiply-adds over k in order, carried through C
/// from one KC block to the next, so kernels with different KC (and any thread count) give the same bits.
/// </summary>
internal static class GemmBlocking
{
    public static readonly int KC = Env("MEDFM_GEMM_KC", 256);
    public static readonly int KcWide = Env("MEDFM_GEMM_KC_WIDE", 768);
    public static readonly int MC = Env("MEDFM_GEMM_MC", 144);
    public static readonly int NC = Env("MEDFM_GEMM_NC", 3072);

    /// <summary>Products with m·n·k below this take the simple path (no packing, one thread).</summary>
    public const long SmallWork = 32 * 1024;

    /// <summary>Products with m·n·k below this run on one thread: waking the team would cost more than it saves.</summary>
    public const long ParallelWork = 256 * 1024;

    /// <summary>The depth of each KC block: k split into equal blocks of at most kcMax, rounded up to a multiple of 8.</summary>
    public static int KcBlock(int k, int kcMax)
    {
        int blocks = (k + kcMax - 1) / kcMax;
        int kc = (k + blocks - 1) / blocks;
        return Math.Min(kcMax, (kc + 7) & ~7);
    }

    private static int Env(string n, int d) => Override(Environment.GetEnvironmentVariable(n), d);

    /// <summary>A positive whole number from <paramref name="text"/>, else <paramref name="fallback"/> (0 or a negative block would never advance).</summary>
    internal static int Override(string? text, int fallback) => int.TryParse(text, out int v) && v > 0 ? v : fallback;

    public static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}
