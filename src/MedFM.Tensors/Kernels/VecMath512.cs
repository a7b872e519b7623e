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
    private const float Log2E = 1.44269504088896341f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    private const float ExpLo = -87.3365479f, ExpHi = 88.8f;

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
}
