using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// The packed, cache-blocked GEMM (the GotoBLAS/BLIS loop nest: jc by NC, pc by KC, ic by MC, then the
/// macro-kernel's jr by NR and ir by MR) split over a persistent thread team.
/// <list type="bullet">
/// <item>Split over M (the usual case): each thread owns a contiguous range of MR-row tiles and packs its own A
/// blocks; the B block of each (jc, pc) step is packed cooperatively (each thread a share of the NR panels) into
/// one of two shared buffers, with one barrier per step (double buffering makes a second barrier unnecessary).</item>
/// <item>Split over N (few rows, e.g. m &lt; 4·MR·threads): each thread owns a range of NR-column panels and runs the
/// whole nest on them alone, packing A itself.</item>
/// </list>
/// Every micro-kernel carries an element's sum through C from one KC block to the next (loading it into the
/// accumulators), so each element is one chain of fused multiply-adds over k in order, starting from beta·C (alpha
/// scales the packed A): a result is the same whatever the thread count, the KC blocks and the kernel (AVX-512 or AVX2).
/// </summary>
internal static unsafe class GemmBlocked
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C with k ≥ 1, on the widest micro-kernel this CPU runs.</summary>
    public static void Run(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc, ThreadTeam? team, in GemmEpilogue epilogue = default)
    {
        if (GemmKernels.UseAvx512) GemmBlocked<Avx512Kernel>.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, team, epilogue);
        else if (GemmKernels.UseAvx2) GemmBlocked<Avx2Kernel>.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, team, epilogue);
        else GemmBlocked<PortableKernel>.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, team, epilogue);
    }
}

/// <summary>The blocked GEMM specialised for one micro-kernel <typeparamref name="K"/>.</summary>
internal unsafe struct GemmBlocked<K> : ITeamJob where K : struct, IGemmKernel
{
    private static int MR => K.MR;
    private static int NR => K.NR;
    private static int MC => GemmBlocking.MC;
    private static int NC => GemmBlocking.NC;

    private float* a, b, c;
    private int lda, ldb, ldc, m, n, k, kcBlock;
    private bool transA, transB, splitM;
    private float alpha, beta;
    private float* sharedB0, sharedB1;
    private SpinBarrier barrier;
    private GemmEpilogue epilogue;

    /// <summary>
    /// C = alpha·op(A)·op(B) + beta·C with k ≥ 1, on up to team.Threads threads (one when team is null); the epilogue
    /// runs on each tile after its last KC block.
    /// </summary>
    public static void Run(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc, ThreadTeam? team, in GemmEpilogue epilogue)
    {
        int tilesM = (m + MR - 1) / MR, tilesN = (n + NR - 1) / NR;
        int threads = team is null || (long)m * n * k < GemmBlocking.ParallelWork || ThreadTeam.InsideTeam ? 1 : team.Threads;
        bool splitM = threads == 1 || tilesM >= 4 * threads || tilesM >= tilesN;
        threads = Math.Min(threads, splitM ? tilesM : tilesN);
        int kcBlock = GemmBlocking.KcBlock(k, K.KC);
        if (beta != 0 && beta != 1)
        {
            GemmStore.Scale(m, n, beta, c, ldc); // C = beta·C once; the product is then summed onto it
            beta = 1;
        }
        var job = new GemmBlocked<K>
        {
            a = a, b = b, c = c, lda = lda, ldb = ldb, ldc = ldc, m = m, n = n, k = k, kcBlock = kcBlock,
            transA = transA, transB = transB, splitM = splitM, alpha = alpha, beta = beta,
            barrier = GemmBuffers.Barrier, epilogue = epilogue,
        };
        if (splitM)
        {
            long half = (long)kcBlock * GemmBlocking.RoundUp(Math.Min(n, NC), NR);
            // Buffer sizes follow the problem's shape only, not the thread count or this thread's share: a product that
            // runs inline (team busy) after running on the team, or the reverse, then reuses the buffers it has.
            job.sharedB0 = GemmBuffers.B((int)(2 * half));
            job.sharedB1 = threads > 1 ? job.sharedB0 + half : job.sharedB0;
        }
        if (threads == 1)
        {
            job.Execute(0, 1);
            return;
        }
        job.barrier.Reset(threads);
        team!.Run(ref job, threads);
    }

    public void Execute(int thread, int threads)
    {
        if (splitM) RunSplitM(thread, threads);
        else RunSplitN(thread, threads);
    }

    private void RunSplitM(int t, int nt)
    {
        int tiles = (m + MR - 1) / MR;
        int r0 = Math.Min(m, tiles * t / nt * MR), r1 = Math.Min(m, tiles * (t + 1) / nt * MR);
        float* ap = GemmBuffers.A(GemmBlocking.RoundUp(Math.Min(MC, m), MR) * kcBlock);
        int step = 0;
        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc), panels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += kcBlock, step++)
            {
                int kc = Math.Min(kcBlock, k - pc);
                float* bp = (step & 1) == 0 ? sharedB0 : sharedB1;
                GemmPack<K>.B(transB, b, ldb, pc, kc, jc, nc, panels * t / nt, panels * (t + 1) / nt, bp);
                if (nt > 1) barrier.SignalAndWait();
                bool accumulate = pc > 0 || beta != 0;
                var epi = pc + kc >= k ? epilogue : default;
                for (int ic = r0; ic < r1; ic += MC)
                {
                    int mc = Math.Min(MC, r1 - ic);
                    PackA(ic, mc, pc, kc, ap);
                    GemmKernels.Block<K>(ap, bp, mc, nc, kc, c + (long)ic * ldc + jc, ldc, accumulate, epi, jc);
                }
            }
        }
    }

    /// <summary>Packs an A block, scaled by alpha when it is not 1 (the kernels sum alpha·a·b).</summary>
    private readonly void PackA(int ic, int mc, int pc, int kc, float* ap)
    {
        GemmPack<K>.A(transA, a, lda, ic, mc, pc, kc, ap);
        if (alpha != 1f)
        {
            var packed = new Span<float>(ap, GemmBlocking.RoundUp(mc, MR) * kc);
            System.Numerics.Tensors.TensorPrimitives.Multiply(packed, alpha, packed);
        }
    }

    private void RunSplitN(int t, int nt)
    {
        int tiles = (n + NR - 1) / NR;
        int c0 = Math.Min(n, tiles * t / nt * NR), c1 = Math.Min(n, tiles * (t + 1) / nt * NR);
        if (c1 <= c0) return;
        float* ap = GemmBuffers.A(GemmBlocking.RoundUp(Math.Min(MC, m), MR) * kcBlock);
        float* bp = GemmBuffers.B(GemmBlocking.RoundUp(Math.Min(NC, n), NR) * kcBlock);
        for (int jc = c0; jc < c1; jc += NC)
        {
            int nc = Math.Min(NC, c1 - jc), panels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, k - pc);
                GemmPack<K>.B(transB, b, ldb, pc, kc, jc, nc, 0, panels, bp);
                bool accumulate = pc > 0 || beta != 0;
                var epi = pc + kc >= k ? epilogue : default;
                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    PackA(ic, mc, pc, kc, ap);
                    GemmKernels.Block<K>(ap, bp, mc, nc, kc, c + (long)ic * ldc + jc, ldc, accumulate, epi, jc);
                }
            }
        }
    }
}
