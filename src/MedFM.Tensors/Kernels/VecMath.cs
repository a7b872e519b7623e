using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Float32 transcendental functions on 8-lane vectors, the building blocks of the fused kernels (softmax, attention,
/// GELU, SiLU). exp: Cody–Waite range reduction x = n·ln2 + r and a degree-7 polynomial in r (the Cephes expf
/// coefficients), scaled by 2^n in two steps so every n in [−126, 128] stays exact; about 1 ulp, results below
/// FLT_MIN (x &lt; −87.34) are flushed to 0, x &gt; 88.72 gives +∞, NaN propagates. erf: x·P(x²) for |x| &lt; 0.875 and
/// 1 − e^(−x²)·Q(t), t = 1/(1 + 0.55|x|) beyond (polynomials fitted by least squares on Chebyshev nodes against
/// double-precision erf); ≤ 2e-7 absolute. The normal CDF Φ keeps its relative accuracy in the left tail by using
/// ½·erfc directly there (no 1 + erf cancellation).
/// </summary>
public static class VecMath
{
    internal const float Log2E = 1.44269504088896341f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    internal const float ExpLo = -87.3365479f, ExpHi = 88.8f;
    internal const float ErfSplit = 0.875f, ErfTailP = 0.55f, ErfClamp = 9.5f;
    internal const float FracSqrt2 = 0.70710678118654752f;

    /// <summary>Whether the vector paths run on hardware (else callers take their scalar loops).</summary>
    public static bool Accelerated => Vector256.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Mad(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>−(a·b) + c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Nmad(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAddNegated(a, b, c) : c - a * b;

    /// <summary>max(a, b) as maxps: if either is NaN the result is b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaxB(Vector256<float> a, Vector256<float> b) =>
        Avx.IsSupported ? Avx.Max(a, b) : Vector256.ConditionalSelect(Vector256.GreaterThan(a, b), a, b);

    /// <summary>min(a, b) as minps: if either is NaN the result is b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MinB(Vector256<float> a, Vector256<float> b) =>
        Avx.IsSupported ? Avx.Min(a, b) : Vector256.ConditionalSelect(Vector256.LessThan(a, b), a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        // Clamp with x second so a NaN passes through (maxps/minps return the second operand on NaN).
        var xc = MinB(Vector256.Create(ExpHi), MaxB(Vector256.Create(ExpLo), x));
        var n = Vector256.Round(xc * Vector256.Create(Log2E));
        var r = Nmad(n, Vector256.Create(Ln2Hi), xc);
        r = Nmad(n, Vector256.Create(Ln2Lo), r);
        var p = Vector256.Create(1.9875691500e-4f);
        p = Mad(p, r, Vector256.Create(1.3981999507e-3f));
        p = Mad(p, r, Vector256.Create(8.3334519073e-3f));
        p = Mad(p, r, Vector256.Create(4.1665795894e-2f));
        p = Mad(p, r, Vector256.Create(1.6666665459e-1f));
        p = Mad(p, r, Vector256.Create(5.0000001201e-1f));
        p = Mad(p, r * r, r) + Vector256<float>.One;
        var ni = Vector256.ConvertToInt32(n);
        var half = Vector256.ShiftRightArithmetic(ni, 1);
        var s1 = Vector256.ShiftLeft(half + Vector256.Create(127), 23).AsSingle();
        var s2 = Vector256.ShiftLeft(ni - half + Vector256.Create(127), 23).AsSingle();
        var y = p * s1 * s2;
        return Vector256.AndNot(y, Vector256.LessThan(x, Vector256.Create(ExpLo)));
    }

    /// <summary>1 / (1 + e^(−x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erf(Vector256<float> x)
    {
        var sign = x & Vector256.Create(-0f);
        var z = Vector256.Abs(x);
        var small = z * SmallPoly(z * z);
        var one = Vector256<float>.One;
        var big = Nmad(ErfcTailScaled(z), ExpNegSquare(z, 1f), one);
        var useSmall = Vector256.LessThan(z, Vector256.Create(ErfSplit));
        // NaN: both branches are NaN. ±∞: the tail gives exactly ±1.
        return Vector256.ConditionalSelect(useSmall, small, big) | sign;
    }

    /// <summary>Φ(x) = ½(1 + erf(x/√2)), accurate relative to its value also for large negative x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> NormalCdf(Vector256<float> x)
    {
        var u = x * Vector256.Create(FracSqrt2);
        var z = Vector256.Abs(u);
        var half = Vector256.Create(0.5f);
        var small = Mad(u * SmallPoly(z * z), half, half);
        var tailHalf = half * ErfcTailScaled(z) * ExpNegSquare(x, 0.5f); // ½ erfc(|u|), u² = x²/2 from x itself
        var big = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), tailHalf, Vector256<float>.One - tailHalf);
        var useSmall = Vector256.LessThan(z, Vector256.Create(ErfSplit)) | ~Vector256.Equals(z, z);
        return Vector256.ConditionalSelect(useSmall, small, big);
    }

    /// <summary>erf(z)/z as a polynomial in z² on [0, 0.875²].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> SmallPoly(Vector256<float> z2)
    {
        var p = Vector256.Create(-6.218505287e-4f);
        p = Mad(p, z2, Vector256.Create(5.035124128e-3f));
        p = Mad(p, z2, Vector256.Create(-2.679345528e-2f));
        p = Mad(p, z2, Vector256.Create(1.128251058e-1f));
        p = Mad(p, z2, Vector256.Create(-3.761255586e-1f));
        return Mad(p, z2, Vector256.Create(1.128379158f));
    }

    /// <summary>
    /// erfc(z)·e^(z²) as a polynomial in t = 1/(1 + 0.55 z), fitted for relative accuracy (≈3e-7) on z ∈ [0.875, 9.5];
    /// z is clamped at 9.5, beyond which e^(−z²) is below FLT_MIN anyway.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ErfcTailScaled(Vector256<float> z)
    {
        var zc = MinB(Vector256.Create(ErfClamp), z);
        var t = Vector256<float>.One / Mad(zc, Vector256.Create(ErfTailP), Vector256<float>.One);
        var q = Vector256.Create(1.376714362e-1f);
        q = Mad(q, t, Vector256.Create(-4.102908097e-1f));
        q = Mad(q, t, Vector256.Create(2.977256520e-1f));
        q = Mad(q, t, Vector256.Create(7.036605890e-2f));
        q = Mad(q, t, Vector256.Create(2.877450376e-1f));
        q = Mad(q, t, Vector256.Create(3.066698114e-1f));
        q = Mad(q, t, Vector256.Create(3.106057923e-1f));
        return Mad(q, t, Vector256.Create(-1.066795813e-5f));
    }

    /// <summary>
    /// e^(−c·x²) with x² carried as an exact sum hi + lo (the FMA residue), so the rounding of x² does not turn into
    /// a relative error of c·x²·2⁻²⁴ in the result (5e-6 at x = 9 otherwise).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpNegSquare(Vector256<float> x, float c)
    {
        var ax = MinB(Vector256.Create(14f), Vector256.Abs(x)); // keeps x² finite (e^(−98) is 0 already); NaN passes
        var hi = ax * ax;
        var lo = Fma.IsSupported ? Fma.MultiplySubtract(ax, ax, hi) : Vector256<float>.Zero;
        var vc = Vector256.Create(c);
        var e = Exp(-(hi * vc));
        return Nmad(e * vc, lo, e);
    }

    // ---- scalar forms (same formulas, one lane): tails of spans and non-vector hardware ----------------------

    public static float Exp(float x) => Exp(Vector256.Create(x)).ToScalar();

    public static float Erf(float x) => Erf(Vector256.Create(x)).ToScalar();

    public static float NormalCdf(float x) => NormalCdf(Vector256.Create(x)).ToScalar();

    public static float Sigmoid(float x) => Sigmoid(Vector256.Create(x)).ToScalar();

    // ---- span helpers ----------------------------------------------------------------------------------------

    /// <summary>Loads up to 8 elements; the missing lanes are filled with <paramref name="fill"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadPartial(ReadOnlySpan<float> src, float fill = 0f)
    {
        Span<float> tmp = stackalloc float[8];
        tmp.Fill(fill);
        src[..Math.Min(src.Length, 8)].CopyTo(tmp);
        return Vector256.Create<float>(tmp);
    }

    /// <summary>Stores the first dst.Length (≤ 8) lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(Vector256<float> v, Span<float> dst)
    {
        Span<float> tmp = stackalloc float[8];
        v.CopyTo(tmp);
        tmp[..Math.Min(dst.Length, 8)].CopyTo(dst);
    }
}
