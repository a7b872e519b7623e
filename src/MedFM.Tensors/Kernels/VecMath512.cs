using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// 16-lane forms of <see cref="VecMath"/>'s functions for AVX-512F CPUs. Each is the same sequence of IEEE
/// operations as the 8-lane version, lane by lane, so both widths give bit-identical results.
/// </summary>
internal static class VecMath512
{
    private const float Log2E = VecMath.Log2E, Ln2Hi = VecMath.Ln2Hi, Ln2Lo = VecMath.Ln2Lo;
    private const float ExpLo = VecMath.ExpLo, ExpHi = VecMath.ExpHi;
    private const float ErfSplit = VecMath.ErfSplit, ErfTailP = VecMath.ErfTailP, ErfClamp = VecMath.ErfClamp;
    private const float FracSqrt2 = VecMath.FracSqrt2;

    public static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>e^x as <see cref="VecMath.Exp(Vector256{float})"/> (about 1 ulp; flushes below FLT_MIN; NaN propagates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var xc = Avx512F.Min(Vector512.Create(ExpHi), Avx512F.Max(Vector512.Create(ExpLo), x));
        var n = Vector512.Round(xc * Vector512.Create(Log2E));
        var r = Avx512F.FusedMultiplyAddNegated(n, Vector512.Create(Ln2Hi), xc);
        r = Avx512F.FusedMultiplyAddNegated(n, Vector512.Create(Ln2Lo), r);
        var p = Vector512.Create(1.9875691500e-4f);
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Avx512F.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var ni = Vector512.ConvertToInt32(n);
        var half = Vector512.ShiftRightArithmetic(ni, 1);
        var s1 = Vector512.ShiftLeft(half + Vector512.Create(127), 23).AsSingle();
        var s2 = Vector512.ShiftLeft(ni - half + Vector512.Create(127), 23).AsSingle();
        var y = p * s1 * s2;
        return Vector512.AndNot(y, Vector512.LessThan(x, Vector512.Create(ExpLo)));
    }

    /// <summary>
    /// d = GELU(x) (erf form), 16 lanes at a time where the CPU has AVX-512 and through the 8-lane map otherwise and
    /// for the tail: the same bits either way. d may be x.
    /// </summary>
    public static unsafe void GeluSpan(ReadOnlySpan<float> x, Span<float> d)
    {
        if (d.Length > x.Length) throw new ArgumentException($"destination ({d.Length}) longer than source ({x.Length})");
        int i = 0, n = d.Length;
        if (IsSupported)
        {
            fixed (float* px = x, pd = d)
            {
                for (; i + 16 <= n; i += 16) Vector512.Store(Gelu(Vector512.Load(px + i)), pd + i);
            }
        }
        if (i < n) VecMap.Run<Activations.Gelu>(x[i..], d[i..]);
    }

    /// <summary>
    /// d = g·GELU′(x) (erf form), 16 lanes at a time where the CPU has AVX-512 and through the 8-lane map otherwise and
    /// for the tail: the same bits either way (<see cref="Activations.GeluBackward"/>). d may be x or g.
    /// </summary>
    public static unsafe void GeluBackwardSpan(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> d)
    {
        if (d.Length > x.Length || d.Length > g.Length) throw new ArgumentException($"destination ({d.Length}) longer than a source ({x.Length}, {g.Length})");
        int i = 0, n = d.Length;
        if (IsSupported)
        {
            fixed (float* px = x, pg = g, pd = d)
            {
                for (; i + 16 <= n; i += 16) Vector512.Store(GeluBackward(Vector512.Load(px + i), Vector512.Load(pg + i)), pd + i);
            }
        }
        if (i < n) VecMap.Run<Activations.GeluBackward>(x[i..], g[i..], d[i..]);
    }

    /// <summary>g·(Φ(x) + x·φ(x)) as <see cref="Activations.GeluBackward"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GeluBackward(Vector512<float> x, Vector512<float> g)
    {
        var pdf = Exp(x * x * Vector512.Create(-0.5f)) * Vector512.Create(Activations.InvSqrt2Pi);
        return g * Avx512F.FusedMultiplyAdd(x, pdf, NormalCdf(x));
    }

    /// <summary>GELU x·Φ(x) as <see cref="Activations.Gelu"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Gelu(Vector512<float> x) => x * NormalCdf(x);

    /// <summary>Φ(x) as <see cref="VecMath.NormalCdf(Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> NormalCdf(Vector512<float> x)
    {
        var u = x * Vector512.Create(FracSqrt2);
        var z = Vector512.Abs(u);
        var half = Vector512.Create(0.5f);
        var small = Avx512F.FusedMultiplyAdd(u * SmallPoly(z * z), half, half);
        var tailHalf = half * ErfcTailScaled(z) * ExpNegSquareHalf(x);
        var big = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), tailHalf, Vector512<float>.One - tailHalf);
        var useSmall = Vector512.LessThan(z, Vector512.Create(ErfSplit)) | ~Vector512.Equals(z, z);
        return Vector512.ConditionalSelect(useSmall, small, big);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SmallPoly(Vector512<float> z2)
    {
        var p = Vector512.Create(-6.218505287e-4f);
        p = Avx512F.FusedMultiplyAdd(p, z2, Vector512.Create(5.035124128e-3f));
        p = Avx512F.FusedMultiplyAdd(p, z2, Vector512.Create(-2.679345528e-2f));
        p = Avx512F.FusedMultiplyAdd(p, z2, Vector512.Create(1.128251058e-1f));
        p = Avx512F.FusedMultiplyAdd(p, z2, Vector512.Create(-3.761255586e-1f));
        return Avx512F.FusedMultiplyAdd(p, z2, Vector512.Create(1.128379158f));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ErfcTailScaled(Vector512<float> z)
    {
        var zc = Avx512F.Min(Vector512.Create(ErfClamp), z);
        var t = Vector512<float>.One / Avx512F.FusedMultiplyAdd(zc, Vector512.Create(ErfTailP), Vector512<float>.One);
        var q = Vector512.Create(1.376714362e-1f);
        q = Avx512F.FusedMultiplyAdd(q, t, Vector512.Create(-4.102908097e-1f));
        q = Avx512F.FusedMultiplyAdd(q, t, Vector512.Create(2.977256520e-1f));
        q = Avx512F.FusedMultiplyAdd(q, t, Vector512.Create(7.036605890e-2f));
        q = Avx512F.FusedMultiplyAdd(q, t, Vector512.Create(2.877450376e-1f));
        q = Avx512F.FusedMultiplyAdd(q, t, Vector512.Create(3.066698114e-1f));
        q = Avx512F.FusedMultiplyAdd(q, t, Vector512.Create(3.106057923e-1f));
        return Avx512F.FusedMultiplyAdd(q, t, Vector512.Create(-1.066795813e-5f));
    }

    /// <summary>e^(−x²/2) with x² carried as the exact sum hi + lo, as the 8-lane ExpNegSquare(x, 0.5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpNegSquareHalf(Vector512<float> x)
    {
        var ax = Avx512F.Min(Vector512.Create(14f), Vector512.Abs(x));
        var hi = ax * ax;
        var lo = Avx512F.FusedMultiplySubtract(ax, ax, hi);
        var vc = Vector512.Create(0.5f);
        var e = Exp(-(hi * vc));
        return Avx512F.FusedMultiplyAddNegated(e * vc, lo, e);
    }
}
