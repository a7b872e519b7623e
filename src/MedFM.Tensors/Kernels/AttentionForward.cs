using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Streaming (flash-attention style) forward: for each head and tile of <see cref="AttentionArgs.BlockQ"/> queries,
/// walks the keys in tiles of <see cref="AttentionArgs.BlockK"/>, computing the score tile S = (scale·Q)·Kᵀ + bias,
/// masking, and folding it into a running row maximum m, a running sum l and an unnormalised output O (online
/// softmax: when m grows, l and O are rescaled by e^(m_old − m_new)); at the end out = O / l and, for the backward,
/// lse = m + log l. Memory is O(tile) per thread, never Lq × Lk. Work items (head, query tile) are handed out
/// dynamically to the thread team. A row whose every score is −∞ gets NaN (0/0), as the composed softmax does.
/// </summary>
internal static unsafe class AttentionForward
{
    /// <summary>Writes out [heads, Lq, Ev] (dense from outOffset) and, when lse is not null, lse [heads·Lq].</summary>
    public static void Run(AttentionArgs p, float[] output, int outOffset, float[]? lse)
    {
        if (p.Heads == 0 || p.Lq == 0) return;
        int ldk = p.LkPadded, evp = AttentionArgs.Round8(p.Ev);
        var kt = AttentionArgs.PackTransposed(p.K, p.KOffset, p.Heads, p.Lk, p.E, ldk);  // [heads, E, LkP]
        bool packV = p.Ev % 8 != 0;
        var vp = packV ? AttentionArgs.PackRows(p.V, p.VOffset, p.Heads * p.Lk, p.Ev, evp) : p.V;
        int vOff = packV ? 0 : p.VOffset, ldv = packV ? evp : p.Ev;
        int tiles = p.QueryTiles, items = p.Heads * tiles;
        var next = new int[1];
        ThreadTeam.Default.Run((thread, threads) =>
        {
            var s = new Scratch(p.E, evp);
            for (int item = Interlocked.Increment(ref next[0]) - 1; item < items; item = Interlocked.Increment(ref next[0]) - 1)
                Tile(p, item / tiles, item % tiles * AttentionArgs.BlockQ, kt, ldk, vp, vOff, ldv, evp, s, output, outOffset, lse);
        }, Math.Max(1, items));
    }

    /// <summary>Per-thread tile buffers.</summary>
    private sealed class Scratch(int e, int evp)
    {
        public readonly float[] Q = new float[AttentionArgs.BlockQ * Math.Max(e, 1)];
        public readonly float[] S = new float[AttentionArgs.BlockQ * AttentionArgs.BlockK];
        public readonly float[] O = new float[AttentionArgs.BlockQ * evp];
        public readonly float[] M = new float[AttentionArgs.BlockQ];
        public readonly float[] L = new float[AttentionArgs.BlockQ];
    }

    private static void Tile(AttentionArgs p, int head, int i0, float[] kt, int ldk, float[] v, int vOff, int ldv, int evp,
        Scratch s, float[] output, int outOffset, float[]? lse)
    {
        const int bk = AttentionArgs.BlockK;
        int rows = Math.Min(AttentionArgs.BlockQ, p.Lq - i0), e = p.E;
        var qsrc = p.Q.AsSpan(p.QOffset + (head * p.Lq + i0) * e, rows * e);
        System.Numerics.Tensors.TensorPrimitives.Multiply(qsrc, p.Scale, s.Q.AsSpan(0, rows * e));
        s.O.AsSpan(0, rows * evp).Clear();
        s.M.AsSpan(0, rows).Fill(float.NegativeInfinity);
        s.L.AsSpan(0, rows).Clear();
        int keyEnd = p.KeyEnd(i0, rows);
        fixed (float* q = s.Q, sc = s.S, o = s.O, ktp = kt, vpp = v)
        {
            float* kHead = ktp + (long)head * e * ldk;
            float* vHead = vpp + vOff + (long)head * p.Lk * ldv;
            for (int j0 = 0; j0 < keyEnd; j0 += bk)
            {
                int nk = Math.Min(bk, p.Lk - j0), nkp = AttentionArgs.Round8(nk);
                AttentionTileGemm.Run(rows, nkp, e, q, e, 1, kHead + j0, ldk, sc, bk, accumulate: false);
                p.Bias?.AddTile(head, i0, rows, j0, nk, sc, bk);
                for (int r = 0; r < rows; r++)
                {
                    int visible = p.VisibleColumns(i0 + r, j0, nk);
                    new Span<float>(sc + r * bk + visible, nkp - visible).Fill(float.NegativeInfinity);
                    OnlineUpdate(new Span<float>(sc + r * bk, nkp), ref s.M[r], ref s.L[r], new Span<float>(o + r * evp, evp));
                }
                AttentionTileGemm.Run(rows, evp, nk, sc, bk, 1, vHead + (long)j0 * ldv, ldv, o, evp, accumulate: true);
            }
        }
        for (int r = 0; r < rows; r++)
        {
            var dst = output.AsSpan(outOffset + (head * p.Lq + i0 + r) * p.Ev, p.Ev);
            System.Numerics.Tensors.TensorPrimitives.Divide(s.O.AsSpan(r * evp, p.Ev), s.L[r], dst);
            if (lse is not null) lse[head * p.Lq + i0 + r] = s.M[r] + MathF.Log(s.L[r]);
        }
    }

    /// <summary>Turns a score row into probabilities relative to the new running max; rescales l and the output row.</summary>
    internal static void OnlineUpdate(Span<float> row, ref float m, ref float l, Span<float> o)
    {
        float tileMax = RowMax(row);
        float mNew = MathF.Max(m, tileMax);
        if (mNew == float.NegativeInfinity)
        {
            row.Clear(); // nothing visible yet: contributes nothing
            return;
        }
        float alpha = MathF.Exp(m - mNew);
        float sum = ExpShiftInPlace(row, mNew);
        l = l * alpha + sum;
        if (alpha != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(o, alpha, o);
        m = mNew;
    }

    private static float RowMax(ReadOnlySpan<float> row)
    {
        int n = row.Length, i = 0;
        ref float rs = ref MemoryMarshal.GetReference(row);
        var acc = Vector256.Create(float.NegativeInfinity);
        bool nan = false;
        for (; i <= n - 8; i += 8)
        {
            var v = Vector256.LoadUnsafe(ref rs, (nuint)i);
            nan |= !Vector256.EqualsAll(v, v);
            acc = VecMath.MaxB(acc, v);
        }
        float m = Softmax.HMax(acc);
        for (; i < n; i++) m = MathF.Max(m, row[i]);
        return nan ? float.NaN : m;
    }

    /// <summary>row = e^(row − shift) in place; returns the sum.</summary>
    internal static float ExpShiftInPlace(Span<float> row, float shift)
    {
        int n = row.Length, i = 0;
        ref float rs = ref MemoryMarshal.GetReference(row);
        var vs = Vector256.Create(shift);
        var acc = Vector256<float>.Zero;
        for (; i <= n - 8; i += 8)
        {
            var e = VecMath.Exp(Vector256.LoadUnsafe(ref rs, (nuint)i) - vs);
            e.StoreUnsafe(ref rs, (nuint)i);
            acc += e;
        }
        float sum = Vector256.Sum(acc);
        for (; i < n; i++)
        {
            row[i] = VecMath.Exp(row[i] - shift);
            sum += row[i];
        }
        return sum;
    }
}
