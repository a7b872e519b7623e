using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Recomputing backward of the fused attention (flash-attention-2 style). From the saved per-row log-sum-exp,
/// each query tile recomputes its probability tiles P = e^(S − lse) key tile by key tile, with
/// D_i = Σ dO_i·O_i: dV += Pᵀ·dO, dP = dO·Vᵀ, dS = P∘(dP − D), dK += dSᵀ·(scale·Q), dQ += scale·dS·K, and the
/// bias gradient is dS. Work items are (head, split of the query tiles); each owns its query rows (dQ and the bias
/// gradient need no locking) and accumulates dK and dV into its own partial buffer, summed at the end in a fixed
/// order. The split count depends only on the problem size, so results do not depend on the thread count.
/// Rows whose scores were all −∞ contribute nothing.
/// </summary>
internal static unsafe class AttentionBackward
{
    public sealed class Grads(float[] dq, float[] dk, float[] dv, float[]? bias, float[]? biasW)
    {
        /// <summary>[heads, Lq, E].</summary>
        public float[] Dq { get; } = dq;

        /// <summary>[heads, Lk, E].</summary>
        public float[] Dk { get; } = dk;

        /// <summary>[heads, Lk, Ev].</summary>
        public float[] Dv { get; } = dv;

        /// <summary>Dense bias gradient [heads, Lq, Lk], or relH's [heads, Lq, kh]; null when not wanted.</summary>
        public float[]? Bias { get; } = bias;

        /// <summary>relW's gradient [heads, Lq, kw] for the relative position bias.</summary>
        public float[]? BiasW { get; } = biasW;
    }

    /// <summary>Items per problem the splits aim for (fixed, not the thread count).</summary>
    private const int TargetItems = 8;

    /// <summary>Gradients of out = attention(q, k, v, bias) given out [heads, Lq, Ev] (laid out as the args say), lse and dout (dense from its offset).</summary>
    public static void Run(AttentionArgs p, float[] output, int outOffset, float[] lse, float[] dout, int doutOffset, Grads g)
    {
        if (p.Heads == 0 || p.Lq == 0 || p.Lk == 0) return;
        int ldk = p.LkPadded, ep = AttentionArgs.Round8(p.E), evp = AttentionArgs.Round8(p.Ev);
        bool kDense = p.E % 8 == 0 && p.KRows == AttentionLayout.Dense(p.Lk, p.E);
        var pk = new Packed
        {
            Kt = AttentionArgs.PackTransposed(p.K, p.KOffset, p.KRows, p.Heads, p.Lk, p.E, ldk),
            Vt = AttentionArgs.PackTransposed(p.V, p.VOffset, p.VRows, p.Heads, p.Lk, p.Ev, ldk),
            K = kDense ? p.K : AttentionArgs.PackRows(p.K, p.KOffset, p.KRows, p.Heads, p.Lk, p.E, ep),
            KOffset = kDense ? p.KOffset : 0,
            Ldk = ldk, Ep = ep, Evp = evp,
        };
        int tiles = p.QueryTiles;
        int splits = Math.Clamp((TargetItems + p.Heads - 1) / p.Heads, 1, tiles), items = p.Heads * splits;
        var dkPart = AttentionArgs.RentZeroed((long)items * p.Lk * ep);
        var dvPart = AttentionArgs.RentZeroed((long)items * p.Lk * evp);
        var next = new int[1];
        ThreadTeam.Default.Run((thread, threads) =>
        {
            var s = new Scratch(ep, evp);
            for (int item = Interlocked.Increment(ref next[0]) - 1; item < items; item = Interlocked.Increment(ref next[0]) - 1)
            {
                int head = item / splits, split = item % splits;
                int t0 = (int)((long)tiles * split / splits), t1 = (int)((long)tiles * (split + 1) / splits);
                var part = new Part(dkPart, dvPart, (long)item * p.Lk, outOffset, doutOffset);
                for (int t = t0; t < t1; t++) Tile(p, pk, head, t * AttentionArgs.BlockQ, s, output, lse, dout, g, part);
            }
        }, Math.Max(1, items));
        ReducePartials(p, splits, dkPart, ep, p.E, g.Dk);
        ReducePartials(p, splits, dvPart, evp, p.Ev, g.Dv);
        AttentionArgs.Return(dkPart, dvPart, pk.Kt, pk.Vt);
        if (!ReferenceEquals(pk.K, p.K)) AttentionArgs.Return(pk.K);
    }

    private sealed class Packed
    {
        public required float[] Kt, Vt, K;
        public int KOffset, Ldk, Ep, Evp;
    }

    private readonly record struct Part(float[] Dk, float[] Dv, long Row0, int OutOffset, int DoutOffset);

    private sealed class Scratch(int ep, int evp)
    {
        public readonly float[] Q = new float[AttentionArgs.BlockQ * ep];
        public readonly float[] DOut = new float[AttentionArgs.BlockQ * evp];
        public readonly float[] P = new float[AttentionArgs.BlockQ * AttentionArgs.BlockK];
        public readonly float[] DS = new float[AttentionArgs.BlockQ * AttentionArgs.BlockK];
        public readonly float[] DQ = new float[AttentionArgs.BlockQ * ep];
        public readonly float[] D = new float[AttentionArgs.BlockQ];
    }

    private static void Tile(AttentionArgs p, Packed pk, int head, int i0, Scratch s, float[] output, float[] lse, float[] dout,
        Grads g, Part part)
    {
        const int bk = AttentionArgs.BlockK;
        int rows = Math.Min(AttentionArgs.BlockQ, p.Lq - i0), e = p.E, ev = p.Ev, ep = pk.Ep, evp = pk.Evp;
        LoadRows(s, p, head, i0, rows, output, part.OutOffset, dout, part.DoutOffset);
        s.DQ.AsSpan(0, rows * ep).Clear();
        int keyEnd = p.KeyEnd(i0, rows);
        fixed (float* q = s.Q, dO = s.DOut, pr = s.P, ds = s.DS, dq = s.DQ, kt = pk.Kt, vt = pk.Vt, kr = pk.K, dkp = part.Dk, dvp = part.Dv)
        {
            float* kHead = kt + (long)head * e * pk.Ldk, vHead = vt + (long)head * ev * pk.Ldk;
            float* kRows = kr + pk.KOffset + (long)head * p.Lk * ep;
            for (int j0 = 0; j0 < keyEnd; j0 += bk)
            {
                int nk = Math.Min(bk, p.Lk - j0), nkp = AttentionArgs.Round8(nk);
                AttentionTileGemm.Run(rows, nkp, e, q, ep, 1, kHead + j0, pk.Ldk, pr, bk, accumulate: false);
                p.Bias?.AddTile(head, i0, rows, j0, nk, pr, bk);
                AttentionTileGemm.Run(rows, nkp, ev, dO, evp, 1, vHead + j0, pk.Ldk, ds, bk, accumulate: false);
                for (int r = 0; r < rows; r++)
                {
                    int visible = p.VisibleColumns(i0 + r, j0, nk);
                    var prow = new Span<float>(pr + r * bk, nkp);
                    float l = lse[head * p.Lq + i0 + r];
                    if (l == float.NegativeInfinity) visible = 0;
                    prow[visible..].Clear();
                    AttentionSoftmax.ExpShiftInPlace(prow[..visible], l);
                    var dsrow = new Span<float>(ds + r * bk, nkp);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(dsrow, s.D[r], dsrow);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(dsrow, prow, dsrow);
                }
                if (g.Bias is not null) p.Bias!.WriteGrad(head, i0, rows, j0, nk, ds, bk, p.Lk, g.Bias, g.BiasW);
                AttentionTileGemm.Run(nk, evp, rows, pr, 1, bk, dO, evp, dvp + (part.Row0 + j0) * evp, evp, accumulate: true);
                AttentionTileGemm.Run(nk, ep, rows, ds, 1, bk, q, ep, dkp + (part.Row0 + j0) * ep, ep, accumulate: true);
                AttentionTileGemm.Run(rows, ep, nk, ds, bk, 1, kRows + (long)j0 * ep, ep, dq, ep, accumulate: true);
            }
        }
        for (int r = 0; r < rows; r++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(s.DQ.AsSpan(r * ep, e), p.Scale, g.Dq.AsSpan((head * p.Lq + i0 + r) * e, e));
    }

    /// <summary>Scaled, padded copies of the tile's q and dO rows, and D_i = dO_i·O_i.</summary>
    private static void LoadRows(Scratch s, AttentionArgs p, int head, int i0, int rows, float[] output, int outOffset, float[] dout, int doutOffset)
    {
        int e = p.E, ev = p.Ev, ep = AttentionArgs.Round8(e), evp = AttentionArgs.Round8(ev);
        AttentionLayout ql = p.QRows, ol = p.OutRows;
        for (int r = 0; r < rows; r++)
        {
            int row = head * p.Lq + i0 + r;
            var qd = s.Q.AsSpan(r * ep, ep);
            System.Numerics.Tensors.TensorPrimitives.Multiply(p.Q.AsSpan((int)(p.QOffset + ql.Offset(head, i0 + r)), e), p.Scale, qd[..e]);
            qd[e..].Clear();
            var od = s.DOut.AsSpan(r * evp, evp);
            dout.AsSpan(doutOffset + row * ev, ev).CopyTo(od);
            od[ev..].Clear();
            s.D[r] = System.Numerics.Tensors.TensorPrimitives.Dot(od[..ev], output.AsSpan((int)(outOffset + ol.Offset(head, i0 + r)), ev));
        }
    }

    /// <summary>dst [heads, Lk, cols] = Σ over a head's splits of parts [heads·splits, Lk, ld] (padding dropped).</summary>
    private static void ReducePartials(AttentionArgs p, int splits, float[] parts, int ld, int cols, float[] dst)
    {
        ThreadTeam.Default.For(p.Heads, (lo, hi) =>
        {
            for (int h = lo; h < hi; h++)
            for (int j = 0; j < p.Lk; j++)
            {
                var d = dst.AsSpan((h * p.Lk + j) * cols, cols);
                parts.AsSpan((int)(((long)h * splits * p.Lk + j) * ld), cols).CopyTo(d);
                for (int sp = 1; sp < splits; sp++)
                    System.Numerics.Tensors.TensorPrimitives.Add(d, parts.AsSpan((int)((((long)h * splits + sp) * p.Lk + j) * ld), cols), d);
            }
        }, Math.Max(1, 2048 / Math.Max(1, p.Lk * cols)));
    }
}
