using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MedFM.Tensors.Kernels;

/// <summary>An elementwise function of one vector (a fused forward).</summary>
public interface IVecMap
{
    static abstract Vector256<float> Map(Vector256<float> x);
}

/// <summary>An elementwise function of two vectors, e.g. (x, upstream gradient) → input gradient.</summary>
public interface IVecMap2
{
    static abstract Vector256<float> Map(Vector256<float> a, Vector256<float> b);
}

/// <summary>
/// Drivers that run an <see cref="IVecMap"/> / <see cref="IVecMap2"/> over spans, 8 lanes at a time; the last partial
/// vector goes through the same formula on padded lanes, so every element gets bit-identical treatment wherever it sits.
/// </summary>
public static class VecMap
{
    /// <summary>Elements below which a map runs on the calling thread alone.</summary>
    public const int ParallelThreshold = 1 << 15;

    public static void Run<TMap>(ReadOnlySpan<float> x, Span<float> d) where TMap : IVecMap
    {
        if (d.Length > x.Length) throw new ArgumentException($"destination ({d.Length}) longer than source ({x.Length})");
        int n = d.Length, i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ds = ref MemoryMarshal.GetReference(d);
        for (; i <= n - 8; i += 8) TMap.Map(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        if (i < n) VecMath.StorePartial(TMap.Map(VecMath.LoadPartial(x[i..n])), d[i..n]);
    }

    public static void Run<TMap>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d) where TMap : IVecMap2
    {
        if (d.Length > a.Length || d.Length > b.Length)
            throw new ArgumentException($"destination ({d.Length}) longer than a source ({a.Length}, {b.Length})");
        int n = d.Length, i = 0;
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float ds = ref MemoryMarshal.GetReference(d);
        for (; i <= n - 8; i += 8)
            TMap.Map(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
        if (i < n) VecMath.StorePartial(TMap.Map(VecMath.LoadPartial(a[i..n]), VecMath.LoadPartial(b[i..n])), d[i..n]);
    }

    /// <summary>A two-input elementwise routine over spans (d[i] from a[i], b[i]), such as <see cref="Run{TMap}(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public delegate void SpanMap2(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d);

    /// <summary>Runs a two-input routine over large spans split across the thread team (arrays, since lambdas cannot hold spans).</summary>
    public static void RunParallel(SpanMap2 run, float[] a, int aOffset, float[] b, int bOffset, float[] d, int dOffset, int count)
    {
        if (count < ParallelThreshold)
        {
            run(a.AsSpan(aOffset, count), b.AsSpan(bOffset, count), d.AsSpan(dOffset, count));
            return;
        }
        Parallel.ThreadTeam.Default.For(count, (lo, hi) =>
            run(a.AsSpan(aOffset + lo, hi - lo), b.AsSpan(bOffset + lo, hi - lo), d.AsSpan(dOffset + lo, hi - lo)), 4096);
    }
}
