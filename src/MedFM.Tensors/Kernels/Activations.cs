using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Fused activation kernels, forward and backward, as <see cref="IVecMap"/> / <see cref="IVecMap2"/> structs run by
/// <see cref="VecMap"/>. Backward maps take (x or y, upstream gradient g) and return the input gradient in one pass,
/// instead of the 4–8 temporaries of a composed rule.
/// </summary>
public static class Activations
{
    internal const float InvSqrt2Pi = 0.3989422804014327f;
    internal const float TanhK = 0.7978845608028654f; // √(2/π)
    internal const float TanhC = 0.044715f;

    /// <summary>GELU, erf form: x·Φ(x).</summary>
    public readonly struct Gelu : IVecMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Map(Vector256<float> x) => x * VecMath.NormalCdf(x);
    }

    /// <summary>d/dx GELU · g = g·(Φ(x) + x·φ(x)).</summary>
    public readonly struct GeluBackward : IVecMap2
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Map(Vector256<float> x, Vector256<float> g)
        {
            var pdf = VecMath.Exp(x * x * Vector256.Create(-0.5f)) * Vector256.Create(InvSqrt2Pi);
            return g * VecMath.Mad(x, pdf, VecMath.NormalCdf(x));
        }
    }

    /// <summary>GELU, tanh form: ½x(1 + tanh u) = x·σ(2u), u = √(2/π)(x + 0.044715x³).</summary>
    public readonly struct GeluTanh : IVecMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Map(Vector256<float> x) => x * VecMath.Sigmoid(TwoU(x));
    }

    /// <summary>g·(s + 2x·s(1 − s)·u′), s = σ(2u), u′ = √(2/π)(1 + 3·0.044715x²).</summary>
    public readonly struct GeluTanhBackward : IVecMap2
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Map(Vector256<float> x, Vector256<float> g)
        {
            var (s, oneMinusS) = SigmoidPair(TwoU(x));
            var du2 = VecMath.Mad(x * x, Vector256.Create(6f * TanhK * TanhC), Vector256.Create(2f * TanhK));
            var inner = VecMath.Mad(x * s * oneMinusS, du2, s);
            return g * inner;
        }
    }

    /// <summary>erf(x).</summary>
    public readonly struct Erf : IVecMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Map(Vector256<float> x) => VecMath.Erf(x);
    }

    /// <summary>SiLU backward from x: g·s·(1 + x(1 − s)), s = σ(x).</summary>
    public readonly struct SiluBackward : IVecMap2
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Map(Vector256<float> x, Vector256<float> g)
        {
            var (s, oneMinusS) = SigmoidPair(x);
            return g * s * VecMath.Mad(x, oneMinusS, Vector256<float>.One);
        }
    }

    /// <summary>Sigmoid backward from its output y: g·y(1 − y).</summary>
    public readonly struct SigmoidBackward : IVecMap2
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Map(Vector256<float> y, Vector256<float> g) => g * y * (Vector256<float>.One - y);
    }

    /// <summary>Tanh backward from its output y: g·(1 − y²).</summary>
    public readonly struct TanhBackward : IVecMap2
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Map(Vector256<float> y, Vector256<float> g) => g * VecMath.Nmad(y, y, Vector256<float>.One);
    }

    /// <summary>σ(x) and 1 − σ(x), the latter as e^(−x)·σ(x) where σ &gt; ½ so it keeps its relative accuracy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> S, Vector256<float> OneMinusS) SigmoidPair(Vector256<float> x)
    {
        var e = VecMath.Exp(-x);
        var s = Vector256<float>.One / (Vector256<float>.One + e);
        var rest = Vector256.ConditionalSelect(Vector256.GreaterThan(e, Vector256<float>.One), Vector256<float>.One - s, e * s);
        return (s, rest);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TwoU(Vector256<float> x)
    {
        var x2 = x * x;
        return x * VecMath.Mad(x2, Vector256.Create(2f * TanhK * TanhC), Vector256.Create(2f * TanhK));
    }
}
