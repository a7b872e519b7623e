using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// The managed GEMM backend on validated pointers: the trivial cases (k = 0, alpha = 0), the small path, the
/// packed blocked path on the thread team, and batches (split over the team item by item when the items are small).
/// </summary>
internal static unsafe class GemmManaged
{
    /// <summary>Items with m·n·k below this are spread over the team whole (one thread per item) in a batch.</summary>
    private const long BatchItemWork = 2L * 1024 * 1024;

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc, ThreadTeam? team, in GemmEpilogue epilogue = default)
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0)
        {
            GemmStore.Scale(m, n, beta, c, ldc);
            if (epilogue.IsActive) epilogue.Apply(c, ldc, m, n, 0);
            return;
        }
        if ((long)m * n * k < GemmBlocking.SmallWork)
        {
            GemmSmall.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            if (epilogue.IsActive) epilogue.Apply(c, ldc, m, n, 0);
            return;
        }
        GemmBlocked.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, team, epilogue);
    }

    public static void SgemmBatched(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, long strideA, float* b, int ldb, long strideB,
        float beta, float* c, int ldc, long strideC, int batch, ThreadTeam team)
    {
        var job = new BatchJob
        {
            TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
            A = a, Lda = lda, StrideA = strideA, B = b, Ldb = ldb, StrideB = strideB, C = c, Ldc = ldc, StrideC = strideC,
        };
        // Items writing one C (stride 0) run in order, each on the whole team; so do large items.
        bool spread = strideC != 0 && batch > 1 && team.Threads > 1 && !ThreadTeam.InsideTeam
            && (long)m * n * k < BatchItemWork && (long)m * n * k * batch >= GemmBlocking.ParallelWork;
        if (!spread)
        {
            for (int i = 0; i < batch; i++) job.Item(i, team);
            return;
        }
        job.Count = batch;
        team.Run(ref job, Math.Min(batch, team.Threads));
    }

    private struct BatchJob : ITeamJob
    {
        public bool TransA, TransB;
        public int M, N, K, Lda, Ldb, Ldc, Count;
        public float Alpha, Beta;
        public float* A, B, C;
        public long StrideA, StrideB, StrideC;

        public readonly void Item(int i, ThreadTeam? team) =>
            Sgemm(TransA, TransB, M, N, K, Alpha, A + i * StrideA, Lda, B + i * StrideB, Ldb, Beta, C + i * StrideC, Ldc, team);

        public readonly void Execute(int thread, int threads)
        {
            int lo = (int)((long)Count * thread / threads), hi = (int)((long)Count * (thread + 1) / threads);
            for (int i = lo; i < hi; i++) Item(i, null);
        }
    }
}
