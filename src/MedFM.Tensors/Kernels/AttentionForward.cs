using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Fused attention forward in query chunks: for each head, K (as Kᵀ) and V are packed once into the GEMM
/// micro-kernel's panel layout; then for each chunk of queries the whole score block S = (scale·Q)·Kᵀ + bias
/// [rows, Lk] is computed by the packed macro-kernel, masked, exponentiated by an exact row softmax
/// (max, e^(s − max), sum) and multiplied by V straight into the output, whose rows are then divided by their
/// sums (as flash attention does: Lk·Ev fewer divisions than normalising the probabilities); for the backward,
/// lse = max + log sum. The chunk holds at most <see cref="ChunkFloats"/> scores (about rows × Lk), so memory is
/// O(chunk) per thread, never Lq × Lk for long sequences, while short ones (a ViT's 197 tokens, SAM's 14×14
/// windows) take all their queries in one chunk. Work items (head, chunk) are handed out dynamically to the thread
/// team; each thread keeps the packed K and V of the last head it saw. A row whose every score is −∞ gets NaN
/// (0/0), as the composed softmax does.
/// </summary>
internal static unsafe class AttentionForward
{
    /// <summary>Budget of the score chunk per thread (floats): 128 K floats = 512 KB, within a core's L2 (measured best on SAM's 4096-token global attention among 32–256 K).</summary>
    public const int ChunkFloats = 128 * 1024;

    /// <summary>Writes out [heads, Lq, Ev] (at outOffset, laid out as <see cref="AttentionArgs.OutRows"/>) and, when lse is not null, lse [heads·Lq].</summary>
    public static void Run(AttentionArgs p, float[] output, int outOffset, float[]? lse)
    {
        if (p.Heads == 0 || p.Lq == 0) return;
        if (GemmKernels.UseAvx512) Run<Avx512Kernel>(p, output, outOffset, lse);
        else if (GemmKernels.UseAvx2) Run<Avx2Kernel>(p, output, outOffset, lse);
        else Run<PortableKernel>(p, output, outOffset, lse);
    }

    /// <summary>Query rows per chunk for key length lk: a multiple of the kernel's MR within the budget, at most Lq.</summary>
    public static int ChunkRows(int lq, int lk, int mr)
    {
        int rows = Math.Max(mr, ChunkFloats / Math.Max(1, lk) / mr * mr);
        return Math.Min(rows, GemmBlocking.RoundUp(lq, mr));
    }

    private static void Run<K>(AttentionArgs p, float[] output, int outOffset, float[]? lse) where K : struct, IGemmKernel
    {
        int chunk = ChunkRows(p.Lq, p.Lk, K.MR), chunks = (p.Lq + chunk - 1) / chunk, items = p.Heads * chunks;
        var next = new int[1];
        ThreadTeam.Default.Run((thread, threads) =>
        {
            var s = Scratch.ForThread(p, chunk, K.MR, K.NR);
            int packedHead = -1;
            for (int item = Interlocked.Increment(ref next[0]) - 1; item < items; item = Interlocked.Increment(ref next[0]) - 1)
            {
                int head = item / chunks, i0 = item % chunks * chunk;
                if (head != packedHead)
                {
                    PackHead<K>(p, head, s);
                    packedHead = head;
                }
                Chunk<K>(p, head, i0, Math.Min(chunk, p.Lq - i0), s, output, outOffset, lse);
            }
        }, Math.Max(1, items));
    }

    /// <summary>Packs Kᵀ (E × Lk, as GEMM B panels) and V (Lk × Ev, as B panels) of one head.</summary>
    private static void PackHead<K>(AttentionArgs p, int head, Scratch s) where K : struct, IGemmKernel
    {
        fixed (float* kp = p.K, vp = p.V)
        {
            AttentionLayout kl = p.KRows, vl = p.VRows;
            float* kHead = kp + p.KOffset + kl.Offset(head, 0);
            float* vHead = vp + p.VOffset + vl.Offset(head, 0);
            GemmPack<K>.B(true, kHead, kl.RowStride, 0, p.E, 0, p.Lk, 0, (p.Lk + K.NR - 1) / K.NR, s.KPacked);
            GemmPack<K>.B(false, vHead, vl.RowStride, 0, p.Lk, 0, p.Ev, 0, (p.Ev + K.NR - 1) / K.NR, s.VPacked);
        }
    }

    private static void Chunk<K>(AttentionArgs p, int head, int i0, int rows, Scratch s, float[] output, int outOffset, float[]? lse)
        where K : struct, IGemmKernel
    {
        int e = p.E, lk = p.Lk, lds = s.Lds;
        fixed (float* qp = p.Q, op = output)
        {
            var ql = p.QRows;
            float* qRows = qp + p.QOffset + ql.Offset(head, i0);
            GemmPack<K>.A(false, qRows, ql.RowStride, 0, rows, 0, e, s.APacked);
            var packedQ = new Span<float>(s.APacked, GemmBlocking.RoundUp(rows, K.MR) * e);
            System.Numerics.Tensors.TensorPrimitives.Multiply(packedQ, p.Scale, packedQ);
            GemmKernels.Block<K>(s.APacked, s.KPacked, rows, lk, e, s.S, lds, false);
            p.Bias?.AddTile(head, i0, rows, 0, lk, s.S, lds);
            for (int r = 0; r < rows; r++)
            {
                var row = new Span<float>(s.S + (long)r * lds, lk);
                int visible = p.VisibleColumns(i0 + r, 0, lk);
                row[visible..].Fill(float.NegativeInfinity);
                var (sum, max) = AttentionSoftmax.ExpRow(row);
                s.InvSum[r] = 1f / sum;
                if (lse is not null) lse[head * p.Lq + i0 + r] = max + MathF.Log(sum);
            }
            GemmPack<K>.A(false, s.S, lds, 0, rows, 0, lk, s.APacked);
            var ol = p.OutRows;
            float* o = op + outOffset + ol.Offset(head, i0);
            GemmKernels.Block<K>(s.APacked, s.VPacked, rows, p.Ev, lk, o, ol.RowStride, false);
            for (int r = 0; r < rows; r++)
            {
                var orow = new Span<float>(o + (long)r * ol.RowStride, p.Ev);
                System.Numerics.Tensors.TensorPrimitives.Multiply(orow, s.InvSum[r], orow);
            }
        }
    }

    /// <summary>Per-thread buffers, kept for the thread's life and grown on demand (pinned, 64-byte aligned).</summary>
    private sealed class Scratch
    {
        [ThreadStatic] private static Scratch? current;
        private float[]? k, v, a, sc;

        public float* KPacked { get; private set; }
        public float* VPacked { get; private set; }
        public float* APacked { get; private set; }
        public float* S { get; private set; }
        public int Lds { get; private set; }

        /// <summary>1 / Σ e^(s − max) of each row of the chunk.</summary>
        public float[] InvSum { get; private set; } = [];

        public static Scratch ForThread(AttentionArgs p, int chunk, int mr, int nr)
        {
            var s = current ??= new Scratch();
            s.Lds = GemmBlocking.RoundUp(p.Lk, 8);
            int lkPanels = GemmBlocking.RoundUp(p.Lk, nr), evPanels = GemmBlocking.RoundUp(p.Ev, nr);
            int chunkRows = GemmBlocking.RoundUp(chunk, mr);
            s.KPacked = GemmBuffers.Aligned(ref s.k, (long)lkPanels * p.E);
            s.VPacked = GemmBuffers.Aligned(ref s.v, (long)evPanels * p.Lk);
            s.APacked = GemmBuffers.Aligned(ref s.a, (long)chunkRows * Math.Max(p.Lk, p.E));
            s.S = GemmBuffers.Aligned(ref s.sc, (long)chunkRows * s.Lds);
            if (s.InvSum.Length < chunkRows) s.InvSum = new float[chunkRows];
            return s;
        }
    }
}
