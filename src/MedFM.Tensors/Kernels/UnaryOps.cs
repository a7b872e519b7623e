using System.Numerics.Tensors;

namespace MedFM.Tensors.Kernels;

/// <summary>An elementwise unary operation: a scalar form (reference) and a span form (fast path).</summary>
public interface IUnaryOp
{
    static abstract float Apply(float x);

    static abstract void Vec(ReadOnlySpan<float> x, Span<float> d);
}

public readonly struct NegOp : IUnaryOp
{
    public static float Apply(float x) => -x;
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => TensorPrimitives.Negate(x, d);
}

public readonly struct ExpOp : IUnaryOp
{
    public static float Apply(float x) => MathF.Exp(x);
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => TensorPrimitives.Exp(x, d);
}

public readonly struct LogOp : IUnaryOp
{
    public static float Apply(float x) => MathF.Log(x);
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => TensorPrimitives.Log(x, d);
}

public readonly struct SqrtOp : IUnaryOp
{
    public static float Apply(float x) => MathF.Sqrt(x);
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => TensorPrimitives.Sqrt(x, d);
}

public readonly struct AbsOp : IUnaryOp
{
    public static float Apply(float x) => MathF.Abs(x);
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => TensorPrimitives.Abs(x, d);
}

public readonly struct SinOp : IUnaryOp
{
    public static float Apply(float x) => MathF.Sin(x);
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => TensorPrimitives.Sin(x, d);
}

public readonly struct CosOp : IUnaryOp
{
    public static float Apply(float x) => MathF.Cos(x);
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => TensorPrimitives.Cos(x, d);
}

public readonly struct TanhOp : IUnaryOp
{
    public static float Apply(float x) => MathF.Tanh(x);
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => TensorPrimitives.Tanh(x, d);
}

public readonly struct SigmoidOp : IUnaryOp
{
    public static float Apply(float x) => 1f / (1f + MathF.Exp(-x));
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => TensorPrimitives.Sigmoid(x, d);
}

public readonly struct ReluOp : IUnaryOp
{
    public static float Apply(float x) => x > 0 ? x : (float.IsNaN(x) ? x : 0f);
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => TensorPrimitives.Max(x, 0f, d);
}

public readonly struct SquareOp : IUnaryOp
{
    public static float Apply(float x) => x * x;
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => TensorPrimitives.Multiply(x, x, d);
}

public readonly struct ReciprocalOp : IUnaryOp
{
    public static float Apply(float x) => 1f / x;
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => TensorPrimitives.Divide(1f, x, d);
}

public readonly struct ErfOp : IUnaryOp
{
    public static float Apply(float x) => (float)Erf.Compute(x);

    /// <summary>Vectorised float32 erf (<see cref="VecMath.Erf(System.Runtime.Intrinsics.Vector256{float})"/>); Apply stays the double-precision oracle.</summary>
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => VecMap.Run<Activations.Erf>(x, d);
}

/// <summary>GELU, exact form: x · Φ(x) = 0.5 x (1 + erf(x / √2)) (PyTorch's approximate='none').</summary>
public readonly struct GeluOp : IUnaryOp
{
    public static float Apply(float x) => (float)(0.5 * x * (1.0 + Erf.Compute(x * 0.70710678118654752)));

    /// <summary>Vectorised x·Φ(x) (<see cref="Activations.Gelu"/>); Apply stays the double-precision oracle.</summary>
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => VecMath512.GeluSpan(x, d);
}

/// <summary>GELU, tanh form: 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))) (PyTorch's approximate='tanh').</summary>
public readonly struct GeluTanhOp : IUnaryOp
{
    public static float Apply(float x)
    {
        double u = 0.7978845608028654 * (x + 0.044715 * x * x * x);
        return (float)(0.5 * x * (1.0 + Math.Tanh(u)));
    }

    /// <summary>Vectorised x·σ(2u) (<see cref="Activations.GeluTanh"/>); Apply stays the double-precision oracle.</summary>
    public static void Vec(ReadOnlySpan<float> x, Span<float> d) => VecMap.Run<Activations.GeluTanh>(x, d);
}

/// <summary>SiLU / swish: x · sigmoid(x).</summary>
public readonly struct SiluOp : IUnaryOp
{
    public static float Apply(float x) => x / (1f + MathF.Exp(-x));

    public static void Vec(ReadOnlySpan<float> x, Span<float> d)
    {
        TensorPrimitives.Sigmoid(x, d);
        TensorPrimitives.Multiply(x, d, d);
    }
}
