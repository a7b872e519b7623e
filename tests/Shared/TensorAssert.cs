using MedFM.Tensors;
using Xunit;

namespace MedFM.TestSupport;

/// <summary>Assertions on tensor values and shapes with explicit tolerances.</summary>
public static class TensorAssert
{
    public static void Shape(Tensor t, params int[] expected) =>
        Assert.True(t.Shape.SequenceEqual(expected), $"shape {ShapeUtil.Format(t.Shape)}, expected {ShapeUtil.Format(expected)}");

    public static void Close(ReadOnlySpan<float> expected, Tensor actual, double atol = 1e-5, double rtol = 1e-5) =>
        Close(expected, actual.ToArray(), atol, rtol);

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol = 1e-5, double rtol = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            if (double.IsInfinity(e) && e == a) continue;
            Assert.True(Math.Abs(e - a) <= atol + rtol * Math.Abs(e), $"element {i}: expected {e:G9}, got {a:G9} (atol {atol}, rtol {rtol})");
        }
    }

    /// <summary>Max |Δ| relative to the expected values' largest magnitude.</summary>
    public static double ScaledMaxError(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1e-12, err = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
            err = Math.Max(err, Math.Abs(expected[i] - actual[i]));
        }
        return err / scale;
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }
        return ab / Math.Sqrt(Math.Max(aa * bb, 1e-300));
    }
}
