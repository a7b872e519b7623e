using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MedFM.Imaging.Transforms;

/// <summary>
/// Element-wise operations over a row of independent lanes (one lane per 1-D line being filtered), vectorised with
/// <see cref="Vector{T}"/>. Each lane sees exactly the scalar operation sequence written in the comment (separate
/// multiply and add, never fused), so vectorising across lines does not change any result.
/// </summary>
internal static class LaneOps
{
    /// <summary>o = o + (a + b)·w</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddSumTimes(Span<double> o, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double w)
    {
        int i = 0, n = o.Length;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vw = new Vector<double>(w);
            ref double ro = ref MemoryMarshal.GetReference(o);
            ref double ra = ref MemoryMarshal.GetReference(a);
            ref double rb = ref MemoryMarshal.GetReference(b);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                var r = Load(ref ro, i) + (Load(ref ra, i) + Load(ref rb, i)) * vw;
                Store(r, ref ro, i);
            }
        }
        for (; i < n; i++) o[i] = o[i] + (a[i] + b[i]) * w;
    }

    /// <summary>o = o + w·a</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddTimes(Span<double> o, ReadOnlySpan<double> a, double w)
    {
        int i = 0, n = o.Length;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vw = new Vector<double>(w);
            ref double ro = ref MemoryMarshal.GetReference(o);
            ref double ra = ref MemoryMarshal.GetReference(a);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
                Store(Load(ref ro, i) + vw * Load(ref ra, i), ref ro, i);
        }
        for (; i < n; i++) o[i] = o[i] + w * a[i];
    }

    /// <summary>o = w·a</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Times(Span<double> o, ReadOnlySpan<double> a, double w)
    {
        int i = 0, n = o.Length;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vw = new Vector<double>(w);
            ref double ro = ref MemoryMarshal.GetReference(o);
            ref double ra = ref MemoryMarshal.GetReference(a);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
                Store(vw * Load(ref ra, i), ref ro, i);
        }
        for (; i < n; i++) o[i] = w * a[i];
    }

    /// <summary>o = z·(a − o)</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TimesDifference(Span<double> o, ReadOnlySpan<double> a, double z)
    {
        int i = 0, n = o.Length;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vz = new Vector<double>(z);
            ref double ro = ref MemoryMarshal.GetReference(o);
            ref double ra = ref MemoryMarshal.GetReference(a);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
                Store(vz * (Load(ref ra, i) - Load(ref ro, i)), ref ro, i);
        }
        for (; i < n; i++) o[i] = z * (a[i] - o[i]);
    }

    /// <summary>o = o + zi·(a + zn·b)</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddTimesPair(Span<double> o, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double zi, double zn)
    {
        int i = 0, n = o.Length;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vzi = new Vector<double>(zi);
            var vzn = new Vector<double>(zn);
            ref double ro = ref MemoryMarshal.GetReference(o);
            ref double ra = ref MemoryMarshal.GetReference(a);
            ref double rb = ref MemoryMarshal.GetReference(b);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
                Store(Load(ref ro, i) + vzi * (Load(ref ra, i) + vzn * Load(ref rb, i)), ref ro, i);
        }
        for (; i < n; i++) o[i] = o[i] + zi * (a[i] + zn * b[i]);
    }

    /// <summary>o = o·w</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(Span<double> o, double w)
    {
        int i = 0, n = o.Length;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vw = new Vector<double>(w);
            ref double ro = ref MemoryMarshal.GetReference(o);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
                Store(Load(ref ro, i) * vw, ref ro, i);
        }
        for (; i < n; i++) o[i] = o[i] * w;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Load(ref double r, int i) => Vector.LoadUnsafe(ref r, (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<double> v, ref double r, int i) => v.StoreUnsafe(ref r, (nuint)i);
}
