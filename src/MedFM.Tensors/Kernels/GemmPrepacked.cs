using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// C = op(A)·B (beta = 0, alpha = 1), then the epilogue, with B packed ahead of time (<see cref="GemmPackedB"/>):
/// the blocked GEMM without its B packing and without the per-step barrier, as no thread shares a buffer. The work
/// is split over whichever of M (MR-row tiles) or N (NR-column panels) gives the smaller largest share, so a
/// 197-row product (ViT at batch 1) splits its columns evenly instead of its 17 row tiles 8 : 9.
/// </summary>
internal static unsafe class GemmPrepacked
{
    /// <summary>Runs the product, or returns false when <paramref name="b"/> was packed for another micro-kernel or shape.</summary>
    public static bool TryRun(bool transA, int m, int n, int k, float* a, int lda, GemmPackedB b, float* c, int ldc,
        ThreadTeam? team, in GemmEpilogue epilogue)
    {
        if (b.Kernel != GemmKernels.Kind || b.K != k || b.N != n) return false;
        switch (b.Kernel)
        {
            case GemmKernelKind.Avx512: GemmPrepacked<Avx512Kernel>.Run(transA, m, a, lda, b, c, ldc, team, epilogue); break;
            case GemmKernelKind.Avx2: GemmPrepacked<Avx2Kernel>.Run(transA, m, a, lda, b, c, ldc, team, epilogue); break;
            default: GemmPrepacked<PortableKernel>.Run(transA, m, a, lda, b, c, ldc, team, epilogue); break;
        }
        return true;
    }
}

/// <summary>The prepacked product specialised for one micro-kernel <typeparamref name="K"/>.</summary>
internal unsafe struct GemmPrepacked<K> : ITeamJob where K : struct, IGemmKernel
{
    private const int PrepackedMC = 288; // a multiple of both MRs (12 and 6)

    private float* a, c;
    private int lda, ldc, m;
    private bool transA, splitM;
    private GemmPackedB b;
    private GemmEpilogue epilogue;

    public static void Run(bool transA, int m, float* a, int lda, GemmPackedB b, float* c, int ldc, ThreadTeam? team,
        in GemmEpilogue epilogue)
    {
        int tilesM = (m + K.MR - 1) / K.MR, panels = b.PaddedN / K.NR;
        int threads = team is null || (long)m * b.N * b.K < GemmBlocking.ParallelWork || ThreadTeam.InsideTeam ? 1 : team.Threads;
        // The largest share of MR×NR tiles either way; ties go to M (each thread then packs only its own rows of A).
        long shareM = (long)((tilesM + threads - 1) / threads) * panels, shareN = (long)tilesM * ((panels + threads - 1) / threads);
        bool splitM = shareM <= shareN;
        threads = Math.Min(threads, splitM ? tilesM : panels);
        var job = new GemmPrepacked<K>
        {
            a = a, c = c, lda = lda, ldc = ldc, m = m, transA = transA, splitM = splitM, b = b, epilogue = epilogue,
        };
        if (threads == 1) job.Execute(0, 1);
        else team!.Run(ref job, threads);
    }

    public void Execute(int thread, int threads)
    {
        if (splitM)
        {
            int tiles = (m + K.MR - 1) / K.MR;
            int r0 = Math.Min(m, tiles * thread / threads * K.MR), r1 = Math.Min(m, tiles * (thread + 1) / threads * K.MR);
            Product(r0, r1, 0, b.N);
        }
        else
        {
            int panels = b.PaddedN / K.NR;
            int c0 = Math.Min(b.N, panels * thread / threads * K.NR), c1 = Math.Min(b.N, panels * (thread + 1) / threads * K.NR);
            Product(0, m, c0, c1);
        }
    }

    /// <summary>Rows [r0, r1) × columns [c0, c1) of C (c0 a multiple of NR).</summary>
    private readonly void Product(int r0, int r1, int c0, int c1)
    {
        if (r1 <= r0 || c1 <= c0) return;
        int k = b.K, kcBlock = b.KcBlock;
        // Larger row blocks than the blocked GEMM's: the packed B comes from memory, not from a freshly packed
        // cache-resident buffer, and each row block streams it once more (288 rows measured best at KC = 768 against 144
        // and 396, ViT-B batch 8, though 288 × 768 floats of A are most of a 1 MB L2).
        int mcBlock = Math.Min(GemmBlocking.RoundUp(r1 - r0, K.MR), PrepackedMC);
        // Sized from the shape, not this thread's share, so running inline or on the team reuses the same buffer.
        float* ap = GemmBuffers.A(Math.Min(GemmBlocking.RoundUp(m, K.MR), PrepackedMC) * kcBlock);
        int ncBlock = GemmBlocking.RoundUp(GemmBlocking.NC, K.NR); // whole panels, so jc / NR names one
        for (int jc = c0; jc < c1; jc += ncBlock)
        {
            int nc = Math.Min(ncBlock, c1 - jc);
            for (int pc = 0; pc < k; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, k - pc);
                float* bp = b.Panel(pc, kc, jc / K.NR);
                var epi = pc + kc >= k ? epilogue : default;
                for (int ic = r0; ic < r1; ic += mcBlock)
                {
                    int mc = Math.Min(mcBlock, r1 - ic);
                    GemmPack<K>.A(transA, a, lda, ic, mc, pc, kc, ap);
                    GemmKernels.Block<K>(ap, bp, mc, nc, kc, c + (long)ic * ldc + jc, ldc, pc > 0, epi, jc);
                }
            }
        }
    }
}
