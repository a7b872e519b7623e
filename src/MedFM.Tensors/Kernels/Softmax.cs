using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Fused softmax and log-softmax, forward and backward, over the middle axis of a dense [outer, n, inner] block.
/// inner = 1 (the last dimension): per row a max pass, an exp-and-sum pass and a scale pass, all on a row that stays
/// in L1. inner &gt; 1: the same three passes run down columns, 8 columns per vector, in chunks of
/// <see cref="ColumnChunk"/> columns. Numerically stable (x − max before exp). Backward: softmax
/// dx = y·(g − Σ g·y), log-softmax dx = g − e^y·Σ g, from the saved output y.
/// </summary>
public static class Softmax
{
    public const int ColumnChunk = 256;
    private const int ParallelThreshold = 1 << 14;

    // ---- drivers -------------------------------------------------------------------------------------------

    public static void Forward(float[] x, int xOffset, float[] y, int yOffset, int outer, int n, int inner, bool log)
    {
        if (n == 0 || outer == 0 || inner == 0) return;
        Split(outer, n, inner, (row, chunk) =>
        {
            if (inner == 1)
                ForwardRow(x.AsSpan(xOffset + row * n, n), y.AsSpan(yOffset + row * n, n), log);
            else
                ForwardColumns(x.AsSpan(xOffset + row * n * inner, n * inner), y.AsSpan(yOffset + row * n * inner, n * inner), n, inner, chunk, log);
        });
    }

    /// <summary>dx from the saved output y and the upstream gradient g, all dense [outer, n, inner].</summary>
    public static void Backward(float[] y, int yOffset, float[] g, int gOffset, float[] dx, int dxOffset, int outer, int n, int inner, bool log)
    {
        if (n == 0 || outer == 0 || inner == 0) return;
        Split(outer, n, inner, (row, chunk) =>
        {
            int len = n * inner;
            var ys = y.AsSpan(yOffset + row * len, len);
            var gs = g.AsSpan(gOffset + row * len, len);
            var ds = dx.AsSpan(dxOffset + row * len, len);
            if (inner == 1) BackwardRow(ys, gs, ds, log);
            else BackwardColumns(ys, gs, ds, n, inner, chunk, log);
        });
    }

    /// <summary>Calls body(outerIndex, columnChunk) for every work item, on the team when the block is large.</summary>
    private static void Split(int outer, int n, int inner, Action<int, int> body)
    {
        int chunks = inner == 1 ? 1 : (inner + ColumnChunk - 1) / ColumnChunk;
        int items = outer * chunks;
        long total = (long)outer * n * inner;
        if (total < ParallelThreshold || items == 1)
        {
            for (int i = 0; i < items; i++) body(i / chunks, i % chunks);
            return;
        }
        int perItem = (int)Math.Max(1, total / items);
        ThreadTeam.Default.For(items, (lo, hi) =>
        {
            for (int i = lo; i < hi; i++) body(i / chunks, i % chunks);
        }, Math.Max(1, ParallelThreshold / 2 / perItem));
    }

    // ---- rows (inner = 1) ----------------------------------------------------------------------------------

    public static void ForwardRow(ReadOnlySpan<float> x, Span<float> y, bool log)
    {
        int n = x.Length;
        float max = RowMax(x);
        var vm = Vector256.Create(max);
        var acc = Vector256<float>.Zero;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        for (; i <= n - 8; i += 8)
        {
            var e = VecMath.Exp(Vector256.LoadUnsafe(ref xs, (nuint)i) - vm);
            if (!log) e.StoreUnsafe(ref ys, (nuint)i);
            acc += e;
        }
        if (i < n)
        {
            var e = VecMath.Exp(VecMath.LoadPartial(x[i..], float.NegativeInfinity) - vm);
            if (!log) VecMath.StorePartial(e, y[i..]);
            acc += e;
        }
        float sum = Vector256.Sum(acc);
        if (log)
        {
            var shift = Vector256.Create(max);
            var ls = Vector256.Create(MathF.Log(sum));
            for (i = 0; i <= n - 8; i += 8) (Vector256.LoadUnsafe(ref xs, (nuint)i) - shift - ls).StoreUnsafe(ref ys, (nuint)i);
            for (; i < n; i++) y[i] = x[i] - max - ls.ToScalar();
        }
        else
        {
            var inv = Vector256.Create(1f / sum);
            for (i = 0; i <= n - 8; i += 8) (Vector256.LoadUnsafe(ref ys, (nuint)i) * inv).StoreUnsafe(ref ys, (nuint)i);
            for (; i < n; i++) y[i] *= inv.ToScalar();
        }
    }

    public static void BackwardRow(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool log)
    {
        int n = y.Length, i = 0;
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float gs = ref MemoryMarshal.GetReference(g);
        ref float ds = ref MemoryMarshal.GetReference(dx);
        var acc = Vector256<float>.Zero;
        for (; i <= n - 8; i += 8)
        {
            var gv = Vector256.LoadUnsafe(ref gs, (nuint)i);
            acc = log ? acc + gv : VecMath.Mad(gv, Vector256.LoadUnsafe(ref ys, (nuint)i), acc);
        }
        float s = Vector256.Sum(acc);
        for (; i < n; i++) s += log ? g[i] : g[i] * y[i];
        var vs = Vector256.Create(s);
        for (i = 0; i <= n - 8; i += 8)
        {
            var gv = Vector256.LoadUnsafe(ref gs, (nuint)i);
            var yv = Vector256.LoadUnsafe(ref ys, (nuint)i);
            var d = log ? VecMath.Nmad(VecMath.Exp(yv), vs, gv) : yv * (gv - vs);
            d.StoreUnsafe(ref ds, (nuint)i);
        }
        if (i < n)
        {
            var gv = VecMath.LoadPartial(g[i..]);
            var yv = VecMath.LoadPartial(y[i..]);
            VecMath.StorePartial(log ? VecMath.Nmad(VecMath.Exp(yv), vs, gv) : yv * (gv - vs), dx[i..]);
        }
    }

    private static float RowMax(ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        var m0 = Vector256.Create(float.NegativeInfinity);
        var m1 = m0;
        for (; i <= n - 16; i += 16)
        {
            m0 = VecMath.MaxB(m0, Vector256.LoadUnsafe(ref xs, (nuint)i));
            m1 = VecMath.MaxB(m1, Vector256.LoadUnsafe(ref xs, (nuint)(i + 8)));
        }
        if (i <= n - 8)
        {
            m0 = VecMath.MaxB(m0, Vector256.LoadUnsafe(ref xs, (nuint)i));
            i += 8;
        }
        if (i < n) m1 = VecMath.MaxB(m1, VecMath.LoadPartial(x[i..], float.NegativeInfinity));
        return HMax(VecMath.MaxB(m0, m1));
    }

    internal static float HMax(Vector256<float> v)
    {
        float m = v.GetElement(0);
        for (int k = 1; k < 8; k++) m = MathF.Max(m, v.GetElement(k));
        return m;
    }

    // ---- columns (inner > 1) -------------------------------------------------------------------------------

    /// <summary>One [n, inner] block, columns [chunk·ColumnChunk, +ColumnChunk).</summary>
    public static void ForwardColumns(ReadOnlySpan<float> x, Span<float> y, int n, int inner, int chunk, bool log)
    {
        int j0 = chunk * ColumnChunk, w = Math.Min(ColumnChunk, inner - j0);
        Span<float> max = stackalloc float[ColumnChunk];
        Span<float> sum = stackalloc float[ColumnChunk];
        max[..w].Fill(float.NegativeInfinity);
        sum[..w].Clear();
        for (int r = 0; r < n; r++) ColumnOp(x.Slice(r * inner + j0, w), max, max, ColOp.Max);
        for (int r = 0; r < n; r++)
        {
            var xr = x.Slice(r * inner + j0, w);
            if (log) ColumnOp(xr, max, sum, ColOp.AddExpShifted);
            else ColumnExpStore(xr, max, sum, y.Slice(r * inner + j0, w));
        }
        if (log)
        {
            for (int j = 0; j < w; j++) sum[j] = MathF.Log(sum[j]);
            for (int r = 0; r < n; r++)
            {
                var xr = x.Slice(r * inner + j0, w);
                var yr = y.Slice(r * inner + j0, w);
                for (int j = 0; j < w; j++) yr[j] = xr[j] - max[j] - sum[j];
            }
            return;
        }
        for (int j = 0; j < w; j++) sum[j] = 1f / sum[j];
        for (int r = 0; r < n; r++) ColumnOp(y.Slice(r * inner + j0, w), sum, y.Slice(r * inner + j0, w), ColOp.Mul);
    }

    public static void BackwardColumns(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, int n, int inner, int chunk, bool log)
    {
        int j0 = chunk * ColumnChunk, w = Math.Min(ColumnChunk, inner - j0);
        Span<float> s = stackalloc float[ColumnChunk];
        s[..w].Clear();
        for (int r = 0; r < n; r++)
        {
            var gr = g.Slice(r * inner + j0, w);
            var yr = y.Slice(r * inner + j0, w);
            for (int j = 0; j < w; j++) s[j] += log ? gr[j] : gr[j] * yr[j];
        }
        for (int r = 0; r < n; r++)
        {
            int o = r * inner + j0;
            ColumnBackwardRow(y.Slice(o, w), g.Slice(o, w), s, dx.Slice(o, w), log);
        }
    }

    /// <summary>One row of a column block: dx = y(g − s) or g − e^y·s with per-column sums s.</summary>
    private static void ColumnBackwardRow(ReadOnlySpan<float> y, ReadOnlySpan<float> g, ReadOnlySpan<float> s, Span<float> dx, bool log)
    {
        int w = y.Length, j = 0;
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pg = ref MemoryMarshal.GetReference(g);
        ref float ps = ref MemoryMarshal.GetReference(s);
        ref float pd = ref MemoryMarshal.GetReference(dx);
        for (; j <= w - 8; j += 8)
        {
            var yv = Vector256.LoadUnsafe(ref py, (nuint)j);
            var gv = Vector256.LoadUnsafe(ref pg, (nuint)j);
            var sv = Vector256.LoadUnsafe(ref ps, (nuint)j);
            (log ? VecMath.Nmad(VecMath.Exp(yv), sv, gv) : yv * (gv - sv)).StoreUnsafe(ref pd, (nuint)j);
        }
        if (j < w)
        {
            var yv = VecMath.LoadPartial(y[j..]);
            var gv = VecMath.LoadPartial(g[j..]);
            var sv = VecMath.LoadPartial(s[j..w]);
            VecMath.StorePartial(log ? VecMath.Nmad(VecMath.Exp(yv), sv, gv) : yv * (gv - sv), dx[j..]);
        }
    }

    private enum ColOp { Max, AddExpShifted, Mul }

    private static void ColumnOp(ReadOnlySpan<float> src, ReadOnlySpan<float> b, Span<float> dst, ColOp op)
    {
        int w = src.Length, j = 0;
        ref float ps = ref MemoryMarshal.GetReference(src);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float pd = ref MemoryMarshal.GetReference(dst);
        for (; j <= w - 8; j += 8)
        {
            var s = Vector256.LoadUnsafe(ref ps, (nuint)j);
            var bv = Vector256.LoadUnsafe(ref pb, (nuint)j);
            var r = op switch
            {
                ColOp.Max => VecMath.MaxB(bv, s),
                ColOp.AddExpShifted => Vector256.LoadUnsafe(ref pd, (nuint)j) + VecMath.Exp(s - bv),
                _ => s * bv,
            };
            r.StoreUnsafe(ref pd, (nuint)j);
        }
        for (; j < w; j++)
        {
            dst[j] = op switch
            {
                ColOp.Max => float.IsNaN(src[j]) || src[j] > b[j] ? src[j] : b[j],
                ColOp.AddExpShifted => dst[j] + VecMath.Exp(src[j] - b[j]),
                _ => src[j] * b[j],
            };
        }
    }

    private static void ColumnExpStore(ReadOnlySpan<float> x, ReadOnlySpan<float> max, Span<float> sum, Span<float> y)
    {
        int w = x.Length, j = 0;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pm = ref MemoryMarshal.GetReference(max);
        ref float ps = ref MemoryMarshal.GetReference(sum);
        ref float py = ref MemoryMarshal.GetReference(y);
        for (; j <= w - 8; j += 8)
        {
            var e = VecMath.Exp(Vector256.LoadUnsafe(ref px, (nuint)j) - Vector256.LoadUnsafe(ref pm, (nuint)j));
            e.StoreUnsafe(ref py, (nuint)j);
            (Vector256.LoadUnsafe(ref ps, (nuint)j) + e).StoreUnsafe(ref ps, (nuint)j);
        }
        for (; j < w; j++)
        {
            float e = VecMath.Exp(x[j] - max[j]);
            y[j] = e;
            sum[j] += e;
        }
    }
}
