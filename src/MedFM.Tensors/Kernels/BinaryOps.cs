using System.Numerics.Tensors;

namespace MedFM.Tensors.Kernels;

/// <summary>An elementwise binary operation with span forms for the three broadcast cases of an inner loop.</summary>
public interface IBinaryOp
{
    static abstract float Apply(float a, float b);

    static abstract void Vec(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d);

    static abstract void VecScalar(ReadOnlySpan<float> a, float b, Span<float> d);

    static abstract void ScalarVec(float a, ReadOnlySpan<float> b, Span<float> d);
}

public readonly struct AddOp : IBinaryOp
{
    public static float Apply(float a, float b) => a + b;
    public static void Vec(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Add(a, b, d);
    public static void VecScalar(ReadOnlySpan<float> a, float b, Span<float> d) => TensorPrimitives.Add(a, b, d);
    public static void ScalarVec(float a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Add(b, a, d);
}

public readonly struct SubOp : IBinaryOp
{
    public static float Apply(float a, float b) => a - b;
    public static void Vec(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Subtract(a, b, d);
    public static void VecScalar(ReadOnlySpan<float> a, float b, Span<float> d) => TensorPrimitives.Subtract(a, b, d);
    public static void ScalarVec(float a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Subtract(a, b, d);
}

public readonly struct MulOp : IBinaryOp
{
    public static float Apply(float a, float b) => a * b;
    public static void Vec(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Multiply(a, b, d);
    public static void VecScalar(ReadOnlySpan<float> a, float b, Span<float> d) => TensorPrimitives.Multiply(a, b, d);
    public static void ScalarVec(float a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Multiply(b, a, d);
}

public readonly struct DivOp : IBinaryOp
{
    public static float Apply(float a, float b) => a / b;
    public static void Vec(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Divide(a, b, d);
    public static void VecScalar(ReadOnlySpan<float> a, float b, Span<float> d) => TensorPrimitives.Divide(a, b, d);
    public static void ScalarVec(float a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Divide(a, b, d);
}

public readonly struct PowOp : IBinaryOp
{
    public static float Apply(float a, float b) => MathF.Pow(a, b);
    public static void Vec(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Pow(a, b, d);
    public static void VecScalar(ReadOnlySpan<float> a, float b, Span<float> d) => TensorPrimitives.Pow(a, b, d);
    public static void ScalarVec(float a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Pow(a, b, d);
}

/// <summary>Elementwise maximum; NaN propagates (as torch.maximum).</summary>
public readonly struct MaxOp : IBinaryOp
{
    public static float Apply(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : Math.Max(a, b);
    public static void Vec(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Max(a, b, d);
    public static void VecScalar(ReadOnlySpan<float> a, float b, Span<float> d) => TensorPrimitives.Max(a, b, d);
    public static void ScalarVec(float a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Max(b, a, d);
}

/// <summary>Elementwise minimum; NaN propagates (as torch.minimum).</summary>
public readonly struct MinOp : IBinaryOp
{
    public static float Apply(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : Math.Min(a, b);
    public static void Vec(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Min(a, b, d);
    public static void VecScalar(ReadOnlySpan<float> a, float b, Span<float> d) => TensorPrimitives.Min(a, b, d);
    public static void ScalarVec(float a, ReadOnlySpan<float> b, Span<float> d) => TensorPrimitives.Min(b, a, d);
}

/// <summary>Comparisons produce 1 or 0. The span forms are plain loops (the JIT vectorises the simple ones).</summary>
public interface ICompare
{
    static abstract bool Test(float a, float b);
}

public readonly struct CompareOp<TCmp> : IBinaryOp where TCmp : ICompare
{
    public static float Apply(float a, float b) => TCmp.Test(a, b) ? 1f : 0f;

    public static void Vec(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = TCmp.Test(a[i], b[i]) ? 1f : 0f;
    }

    public static void VecScalar(ReadOnlySpan<float> a, float b, Span<float> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = TCmp.Test(a[i], b) ? 1f : 0f;
    }

    public static void ScalarVec(float a, ReadOnlySpan<float> b, Span<float> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = TCmp.Test(a, b[i]) ? 1f : 0f;
    }
}

public readonly struct EqCmp : ICompare { public static bool Test(float a, float b) => a == b; }
public readonly struct NeCmp : ICompare { public static bool Test(float a, float b) => a != b; }
public readonly struct LtCmp : ICompare { public static bool Test(float a, float b) => a < b; }
public readonly struct LeCmp : ICompare { public static bool Test(float a, float b) => a <= b; }
public readonly struct GtCmp : ICompare { public static bool Test(float a, float b) => a > b; }
public readonly struct GeCmp : ICompare { public static bool Test(float a, float b) => a >= b; }
