using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Fused layer norm over the last axis of a dense [rows, n] block (torch.nn.functional.layer_norm; biased variance).
/// Forward: mean and variance in one pass by Welford's method run per vector lane (two interleaved 8-lane sets, so
/// the update chains overlap) and merged with Chan's pairwise formula, then one normalise-and-affine pass; the mean
/// and rstd = 1/√(var + eps) of each row are saved. Backward, with x̂ = (x − mean)·rstd and ĝ = g·w:
/// dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), dw = Σ_rows g·x̂, db = Σ_rows g. Rows go to the thread team in a fixed
/// number of groups, each with its own dw/db partial sums, so results do not depend on the thread count.
/// </summary>
public static class LayerNorm
{
    /// <summary>Row groups for the backward's weight/bias partial sums (fixed: thread-count independent).</summary>
    public const int Groups = 8;
    private const int ParallelThreshold = 1 << 14;

    /// <summary>Mean and biased variance of x by lane-wise Welford updates.</summary>
    public static void Moments(ReadOnlySpan<float> x, out float mean, out float variance)
    {
        int n = x.Length, i = 0, k = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        var m0 = Vector256<float>.Zero;
        var q0 = Vector256<float>.Zero;
        var m1 = Vector256<float>.Zero;
        var q1 = Vector256<float>.Zero;
        for (; i <= n - 16; i += 16)
        {
            k++;
            var inv = Vector256.Create(1f / k);
            var x0 = Vector256.LoadUnsafe(ref xs, (nuint)i);
            var x1 = Vector256.LoadUnsafe(ref xs, (nuint)(i + 8));
            var d0 = x0 - m0;
            var d1 = x1 - m1;
            m0 = VecMath.Mad(d0, inv, m0);
            m1 = VecMath.Mad(d1, inv, m1);
            q0 = VecMath.Mad(d0, x0 - m0, q0);
            q1 = VecMath.Mad(d1, x1 - m1, q1);
        }
        double count = 0, mu = 0, m2 = 0;
        if (k > 0)
        {
            // Two sets of equal count k: mean of means, M2 += δ²·k/2; then 8 lanes of count 2k.
            var dm = m0 - m1;
            var mv = (m0 + m1) * Vector256.Create(0.5f);
            var qv = VecMath.Mad(dm * dm, Vector256.Create(0.5f * k), q0 + q1);
            mu = Vector256.Sum(mv) / 8.0;
            double spread = 0;
            for (int l = 0; l < 8; l++)
            {
                double d = mv.GetElement(l) - mu;
                spread += d * d;
                m2 += qv.GetElement(l);
            }
            m2 += spread * 2 * k;
            count = 16.0 * k;
        }
        for (; i < n; i++)
        {
            count++;
            double d = x[i] - mu;
            mu += d / count;
            m2 += d * (x[i] - mu);
        }
        mean = (float)mu;
        variance = n == 0 ? float.NaN : (float)Math.Max(m2 / n, 0);
    }

    /// <summary>Normalises one row; weight and bias may be empty (no affine part).</summary>
    public static void ForwardRow(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y,
        float eps, out float mean, out float rstd)
    {
        Moments(x, out mean, out float variance);
        rstd = 1f / MathF.Sqrt(variance + eps);
        int n = x.Length, i = 0;
        var vm = Vector256.Create(mean);
        var vr = Vector256.Create(rstd);
        bool hasW = !weight.IsEmpty, hasB = !bias.IsEmpty;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float ws = ref MemoryMarshal.GetReference(weight);
        ref float bs = ref MemoryMarshal.GetReference(bias);
        for (; i <= n - 8; i += 8)
        {
            var t = (Vector256.LoadUnsafe(ref xs, (nuint)i) - vm) * vr;
            if (hasW) t *= Vector256.LoadUnsafe(ref ws, (nuint)i);
            if (hasB) t += Vector256.LoadUnsafe(ref bs, (nuint)i);
            t.StoreUnsafe(ref ys, (nuint)i);
        }
        for (; i < n; i++)
        {
            float t = (x[i] - mean) * rstd;
            if (hasW) t *= weight[i];
            if (hasB) t += bias[i];
            y[i] = t;
        }
    }

    /// <summary>dx of one row; adds g·x̂ into dwAcc and g into dbAcc when those are not empty.</summary>
    public static void BackwardRow(ReadOnlySpan<float> x, ReadOnlySpan<float> g, ReadOnlySpan<float> weight, float mean, float rstd,
        Span<float> dx, Span<float> dwAcc, Span<float> dbAcc)
    {
        int n = x.Length, i = 0;
        bool hasW = !weight.IsEmpty;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float gs = ref MemoryMarshal.GetReference(g);
        ref float ws = ref MemoryMarshal.GetReference(weight);
        var vm = Vector256.Create(mean);
        var vr = Vector256.Create(rstd);
        var sumG = Vector256<float>.Zero;
        var sumGx = Vector256<float>.Zero;
        for (; i <= n - 8; i += 8)
        {
            var gw = Vector256.LoadUnsafe(ref gs, (nuint)i);
            if (hasW) gw *= Vector256.LoadUnsafe(ref ws, (nuint)i);
            var xh = (Vector256.LoadUnsafe(ref xs, (nuint)i) - vm) * vr;
            sumG += gw;
            sumGx = VecMath.Mad(gw, xh, sumGx);
        }
        float a = Vector256.Sum(sumG), c = Vector256.Sum(sumGx);
        for (; i < n; i++)
        {
            float gw = hasW ? g[i] * weight[i] : g[i];
            a += gw;
            c += gw * (x[i] - mean) * rstd;
        }
        float meanG = a / n, meanGx = c / n;
        var vmg = Vector256.Create(meanG);
        var vmgx = Vector256.Create(meanGx);
        ref float ds = ref MemoryMarshal.GetReference(dx);
        for (i = 0; i <= n - 8; i += 8)
        {
            var gv = Vector256.LoadUnsafe(ref gs, (nuint)i);
            var gw = hasW ? gv * Vector256.LoadUnsafe(ref ws, (nuint)i) : gv;
            var xh = (Vector256.LoadUnsafe(ref xs, (nuint)i) - vm) * vr;
            (VecMath.Nmad(xh, vmgx, gw - vmg) * vr).StoreUnsafe(ref ds, (nuint)i);
        }
        for (; i < n; i++)
        {
            float gw = hasW ? g[i] * weight[i] : g[i];
            float xh = (x[i] - mean) * rstd;
            dx[i] = (gw - meanG - xh * meanGx) * rstd;
        }
        if (!dwAcc.IsEmpty) AccumulateWeightGrad(x, g, mean, rstd, dwAcc);
        if (!dbAcc.IsEmpty) TensorPrimitivesAdd(dbAcc, g);
    }

    private static void AccumulateWeightGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> g, float mean, float rstd, Span<float> dw)
    {
        int n = x.Length, i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float gs = ref MemoryMarshal.GetReference(g);
        ref float ws = ref MemoryMarshal.GetReference(dw);
        var vm = Vector256.Create(mean);
        var vr = Vector256.Create(rstd);
        for (; i <= n - 8; i += 8)
        {
            var xh = (Vector256.LoadUnsafe(ref xs, (nuint)i) - vm) * vr;
            VecMath.Mad(Vector256.LoadUnsafe(ref gs, (nuint)i), xh, Vector256.LoadUnsafe(ref ws, (nuint)i)).StoreUnsafe(ref ws, (nuint)i);
        }
        for (; i < n; i++) dw[i] += g[i] * (x[i] - mean) * rstd;
    }

    private static void TensorPrimitivesAdd(Span<float> acc, ReadOnlySpan<float> v) =>
        System.Numerics.Tensors.TensorPrimitives.Add(acc, v[..acc.Length], acc);

    // ---- drivers -------------------------------------------------------------------------------------------

    /// <summary>y = layer_norm(x) for [rows, n]; weight/bias null for none. Fills mean[rows] and rstd[rows].</summary>
    public static void Forward(float[] x, int xOffset, float[]? weight, int wOffset, float[]? bias, int bOffset,
        float[] y, int yOffset, int rows, int n, float eps, float[] mean, float[] rstd)
    {
        void Rows(int lo, int hi)
        {
            var w = weight is null ? ReadOnlySpan<float>.Empty : weight.AsSpan(wOffset, n);
            var b = bias is null ? ReadOnlySpan<float>.Empty : bias.AsSpan(bOffset, n);
            for (int r = lo; r < hi; r++)
                ForwardRow(x.AsSpan(xOffset + r * n, n), w, b, y.AsSpan(yOffset + r * n, n), eps, out mean[r], out rstd[r]);
        }
        if ((long)rows * n < ParallelThreshold) Rows(0, rows);
        else ThreadTeam.Default.For(rows, Rows, Math.Max(1, ParallelThreshold / 4 / Math.Max(n, 1)));
    }

    /// <summary>dx for [rows, n]; dweight/dbias (length n, overwritten) when not null.</summary>
    public static void Backward(float[] x, int xOffset, float[] g, int gOffset, float[]? weight, int wOffset,
        float[] mean, float[] rstd, float[] dx, int dxOffset, float[]? dweight, float[]? dbias, int rows, int n)
    {
        int groups = Math.Clamp(rows, 1, Groups);
        var dwPart = dweight is null ? null : new float[groups * n];
        var dbPart = dbias is null ? null : new float[groups * n];
        void Group(int lo, int hi)
        {
            var w = weight is null ? ReadOnlySpan<float>.Empty : weight.AsSpan(wOffset, n);
            for (int grp = lo; grp < hi; grp++)
            {
                var dw = dwPart is null ? Span<float>.Empty : dwPart.AsSpan(grp * n, n);
                var db = dbPart is null ? Span<float>.Empty : dbPart.AsSpan(grp * n, n);
                int r0 = (int)((long)rows * grp / groups), r1 = (int)((long)rows * (grp + 1) / groups);
                for (int r = r0; r < r1; r++)
                    BackwardRow(x.AsSpan(xOffset + r * n, n), g.AsSpan(gOffset + r * n, n), w, mean[r], rstd[r],
                        dx.AsSpan(dxOffset + r * n, n), dw, db);
            }
        }
        if ((long)rows * n < ParallelThreshold) Group(0, groups);
        else ThreadTeam.Default.For(groups, Group);
        if (dweight is not null) SumGroups(dwPart!, groups, n, dweight);
        if (dbias is not null) SumGroups(dbPart!, groups, n, dbias);
    }

    internal static void SumGroups(float[] parts, int groups, int n, Span<float> dst)
    {
        parts.AsSpan(0, n).CopyTo(dst);
        for (int grp = 1; grp < groups; grp++) System.Numerics.Tensors.TensorPrimitives.Add(dst, parts.AsSpan(grp * n, n), dst);
    }
}
