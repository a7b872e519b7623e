using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Fused channel layer norm over the middle axis of a dense [outer, C, inner] block: SAM's LayerNorm2d on
/// [B, C, H, W] (u = mean over C, s = mean((x − u)²) over C, (x − u)/√(s + eps), then weight[c]·x + bias[c]).
/// Reference: facebookresearch/segment-anything, segment_anything/modeling/common.py (LayerNorm2d).
/// Each work item takes one outer index and a chunk of <see cref="Chunk"/> columns; the vector lanes run along the
/// columns (contiguous), and Welford updates walk down the channels, so every x is read once for the statistics and
/// once for the output. Backward as <see cref="LayerNorm"/>, with per-channel dweight/dbias summed in a fixed number
/// of groups (thread-count independent).
/// </summary>
public static class LayerNormChannels
{
    public const int Chunk = 256;
    private const int ParallelThreshold = 1 << 14;

    /// <summary>Normalises x [outer, c, inner] into y; saves mean and rstd [outer, inner]. weight/bias [c] or null.</summary>
    public static void Forward(float[] x, int xOffset, float[]? weight, float[]? bias, float[] y, int yOffset,
        int outer, int c, int inner, float eps, float[] mean, float[] rstd)
    {
        int chunks = (inner + Chunk - 1) / Chunk, items = outer * chunks;
        void Items(int lo, int hi)
        {
            Span<float> m = stackalloc float[Chunk];
            Span<float> q = stackalloc float[Chunk];
            for (int it = lo; it < hi; it++)
            {
                int o = it / chunks, j0 = it % chunks * Chunk, w = Math.Min(Chunk, inner - j0);
                int baseX = xOffset + o * c * inner + j0, baseY = yOffset + o * c * inner + j0;
                m[..w].Clear();
                q[..w].Clear();
                for (int ch = 0; ch < c; ch++) WelfordRow(x.AsSpan(baseX + ch * inner, w), m, q, 1f / (ch + 1));
                var ms = mean.AsSpan(o * inner + j0, w);
                var rs = rstd.AsSpan(o * inner + j0, w);
                for (int j = 0; j < w; j++)
                {
                    ms[j] = m[j];
                    rs[j] = 1f / MathF.Sqrt(Math.Max(q[j] / c, 0f) + eps);
                }
                for (int ch = 0; ch < c; ch++)
                {
                    NormalizeRow(x.AsSpan(baseX + ch * inner, w), ms, rs, weight is null ? 1f : weight[ch], bias is null ? 0f : bias[ch],
                        y.AsSpan(baseY + ch * inner, w));
                }
            }
        }
        if ((long)outer * c * inner < ParallelThreshold) Items(0, items);
        else ThreadTeam.Default.For(items, Items);
    }

    /// <summary>dx for [outer, c, inner]; dweight/dbias [c] (overwritten) when not null.</summary>
    public static void Backward(float[] x, int xOffset, float[] g, int gOffset, float[]? weight, float[] mean, float[] rstd,
        float[] dx, int dxOffset, float[]? dweight, float[]? dbias, int outer, int c, int inner)
    {
        int chunks = (inner + Chunk - 1) / Chunk, items = outer * chunks;
        int groups = Math.Clamp(items, 1, LayerNorm.Groups);
        var dwPart = new float[groups * c];
        var dbPart = new float[groups * c];
        void Groups(int lo, int hi)
        {
            Span<float> sumG = stackalloc float[Chunk];
            Span<float> sumGx = stackalloc float[Chunk];
            for (int grp = lo; grp < hi; grp++)
            {
                int i0 = (int)((long)items * grp / groups), i1 = (int)((long)items * (grp + 1) / groups);
                for (int it = i0; it < i1; it++)
                {
                    int o = it / chunks, j0 = it % chunks * Chunk, w = Math.Min(Chunk, inner - j0);
                    var item = new Item(x, xOffset + o * c * inner + j0, g, gOffset + o * c * inner + j0, dx, dxOffset + o * c * inner + j0,
                        mean.AsSpan(o * inner + j0, w), rstd.AsSpan(o * inner + j0, w), inner, w);
                    BackwardItem(item, weight, c, sumG, sumGx, dwPart.AsSpan(grp * c, c), dbPart.AsSpan(grp * c, c));
                }
            }
        }
        if ((long)outer * c * inner < ParallelThreshold) Groups(0, groups);
        else ThreadTeam.Default.For(groups, Groups);
        if (dweight is not null) LayerNorm.SumGroups(dwPart, groups, c, dweight);
        if (dbias is not null) LayerNorm.SumGroups(dbPart, groups, c, dbias);
    }

    /// <summary>One work item of the backward: rows of its column chunk for each channel.</summary>
    private readonly ref struct Item
    {
        private readonly float[] x, g, dx;
        private readonly int xBase, gBase, dxBase, inner;

        public Item(float[] x, int xBase, float[] g, int gBase, float[] dx, int dxBase,
            ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, int inner, int width)
        {
            (this.x, this.xBase, this.g, this.gBase, this.dx, this.dxBase, this.inner) = (x, xBase, g, gBase, dx, dxBase, inner);
            Mean = mean;
            Rstd = rstd;
            Width = width;
        }

        public ReadOnlySpan<float> Mean { get; }

        public ReadOnlySpan<float> Rstd { get; }

        public int Width { get; }

        public ReadOnlySpan<float> X(int ch) => x.AsSpan(xBase + ch * inner, Width);

        public ReadOnlySpan<float> G(int ch) => g.AsSpan(gBase + ch * inner, Width);

        public Span<float> Dx(int ch) => dx.AsSpan(dxBase + ch * inner, Width);
    }

    private static void BackwardItem(in Item item, float[]? weight, int c, Span<float> sumG, Span<float> sumGx, Span<float> dw, Span<float> db)
    {
        int w = item.Width;
        sumG[..w].Clear();
        sumGx[..w].Clear();
        for (int ch = 0; ch < c; ch++)
        {
            float wc = weight is null ? 1f : weight[ch];
            var (sg, sgx) = StatsRow(item.X(ch), item.G(ch), item.Mean, item.Rstd, wc, sumG, sumGx);
            dw[ch] += sgx;
            db[ch] += sg;
        }
        float invC = 1f / c;
        for (int j = 0; j < w; j++)
        {
            sumG[j] *= invC;
            sumGx[j] *= invC;
        }
        for (int ch = 0; ch < c; ch++)
            DxRow(item.X(ch), item.G(ch), item.Mean, item.Rstd, weight is null ? 1f : weight[ch], sumG, sumGx, item.Dx(ch));
    }

    /// <summary>mean += (x − mean)·inv; M2 += (x − mean_old)(x − mean_new), lane by lane.</summary>
    private static void WelfordRow(ReadOnlySpan<float> x, Span<float> m, Span<float> q, float inv)
    {
        int w = x.Length, j = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ms = ref MemoryMarshal.GetReference(m);
        ref float qs = ref MemoryMarshal.GetReference(q);
        var vi = Vector256.Create(inv);
        for (; j <= w - 8; j += 8)
        {
            var xv = Vector256.LoadUnsafe(ref xs, (nuint)j);
            var mv = Vector256.LoadUnsafe(ref ms, (nuint)j);
            var d = xv - mv;
            mv = VecMath.Mad(d, vi, mv);
            VecMath.Mad(d, xv - mv, Vector256.LoadUnsafe(ref qs, (nuint)j)).StoreUnsafe(ref qs, (nuint)j);
            mv.StoreUnsafe(ref ms, (nuint)j);
        }
        for (; j < w; j++)
        {
            float d = x[j] - m[j];
            m[j] += d * inv;
            q[j] += d * (x[j] - m[j]);
        }
    }

    private static void NormalizeRow(ReadOnlySpan<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, float wc, float bc, Span<float> y)
    {
        int w = x.Length, j = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ms = ref MemoryMarshal.GetReference(mean);
        ref float rs = ref MemoryMarshal.GetReference(rstd);
        ref float ys = ref MemoryMarshal.GetReference(y);
        var vw = Vector256.Create(wc);
        var vb = Vector256.Create(bc);
        for (; j <= w - 8; j += 8)
        {
            var t = (Vector256.LoadUnsafe(ref xs, (nuint)j) - Vector256.LoadUnsafe(ref ms, (nuint)j)) * Vector256.LoadUnsafe(ref rs, (nuint)j);
            VecMath.Mad(t, vw, vb).StoreUnsafe(ref ys, (nuint)j);
        }
        for (; j < w; j++) y[j] = (x[j] - mean[j]) * rstd[j] * wc + bc;
    }

    /// <summary>Adds g·w and g·w·x̂ per column; returns this channel's Σ g and Σ g·x̂ (for dbias and dweight).</summary>
    private static (float SumG, float SumGx) StatsRow(ReadOnlySpan<float> x, ReadOnlySpan<float> g, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> rstd, float wc, Span<float> sumG, Span<float> sumGx)
    {
        int w = x.Length, j = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float gs = ref MemoryMarshal.GetReference(g);
        ref float ms = ref MemoryMarshal.GetReference(mean);
        ref float rs = ref MemoryMarshal.GetReference(rstd);
        ref float sg = ref MemoryMarshal.GetReference(sumG);
        ref float sgx = ref MemoryMarshal.GetReference(sumGx);
        var vw = Vector256.Create(wc);
        var accG = Vector256<float>.Zero;
        var accGx = Vector256<float>.Zero;
        for (; j <= w - 8; j += 8)
        {
            var gv = Vector256.LoadUnsafe(ref gs, (nuint)j);
            var xh = (Vector256.LoadUnsafe(ref xs, (nuint)j) - Vector256.LoadUnsafe(ref ms, (nuint)j)) * Vector256.LoadUnsafe(ref rs, (nuint)j);
            var gw = gv * vw;
            (Vector256.LoadUnsafe(ref sg, (nuint)j) + gw).StoreUnsafe(ref sg, (nuint)j);
            VecMath.Mad(gw, xh, Vector256.LoadUnsafe(ref sgx, (nuint)j)).StoreUnsafe(ref sgx, (nuint)j);
            accG += gv;
            accGx = VecMath.Mad(gv, xh, accGx);
        }
        float tg = Vector256.Sum(accG), tgx = Vector256.Sum(accGx);
        for (; j < w; j++)
        {
            float xh = (x[j] - mean[j]) * rstd[j];
            sumG[j] += g[j] * wc;
            sumGx[j] += g[j] * wc * xh;
            tg += g[j];
            tgx += g[j] * xh;
        }
        return (tg, tgx);
    }

    /// <summary>dx = rstd·(g·w − mean(ĝ) − x̂·mean(ĝ·x̂)).</summary>
    private static void DxRow(ReadOnlySpan<float> x, ReadOnlySpan<float> g, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, float wc,
        ReadOnlySpan<float> meanG, ReadOnlySpan<float> meanGx, Span<float> dx)
    {
        int w = x.Length, j = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float gs = ref MemoryMarshal.GetReference(g);
        ref float ms = ref MemoryMarshal.GetReference(mean);
        ref float rs = ref MemoryMarshal.GetReference(rstd);
        ref float mg = ref MemoryMarshal.GetReference(meanG);
        ref float mgx = ref MemoryMarshal.GetReference(meanGx);
        ref float ds = ref MemoryMarshal.GetReference(dx);
        var vw = Vector256.Create(wc);
        for (; j <= w - 8; j += 8)
        {
            var rv = Vector256.LoadUnsafe(ref rs, (nuint)j);
            var xh = (Vector256.LoadUnsafe(ref xs, (nuint)j) - Vector256.LoadUnsafe(ref ms, (nuint)j)) * rv;
            var t = Vector256.LoadUnsafe(ref gs, (nuint)j) * vw - Vector256.LoadUnsafe(ref mg, (nuint)j);
            (VecMath.Nmad(xh, Vector256.LoadUnsafe(ref mgx, (nuint)j), t) * rv).StoreUnsafe(ref ds, (nuint)j);
        }
        for (; j < w; j++)
        {
            float xh = (x[j] - mean[j]) * rstd[j];
            dx[j] = (g[j] * wc - meanG[j] - xh * meanGx[j]) * rstd[j];
        }
    }
}
