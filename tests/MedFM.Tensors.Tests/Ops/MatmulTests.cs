using MedFM.Tensors;
using MedFM.Tensors.Random;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

public class MatmulTests
{
    private static float[] Naive(float[] a, float[] b, int m, int k, int n)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[p * n + j];
            c[i * n + j] = (float)s;
        }
        return c;
    }

    [Fact]
    public void TwoDimensionalProductMatchesNaiveLoop()
    {
        var g = new Generator(1);
        var a = Tensor.Randn(g, new[] { 7, 5 });
        var b = Tensor.Randn(g, new[] { 5, 9 });
        TensorAssert.Close(Naive(a.ToArray(), b.ToArray(), 7, 5, 9), a.Matmul(b), 1e-5, 1e-5);
    }

    [Fact]
    public void TransposedViewsAreUsedWithoutChangingResults()
    {
        var g = new Generator(2);
        var at = Tensor.Randn(g, new[] { 5, 7 });
        var bt = Tensor.Randn(g, new[] { 9, 5 });
        var expected = Naive(at.T.Contiguous().ToArray(), bt.T.Contiguous().ToArray(), 7, 5, 9);
        TensorAssert.Close(expected, at.T.Matmul(bt.T), 1e-5, 1e-5);
    }

    [Fact]
    public void BatchedBroadcastAndVectorCases()
    {
        var g = new Generator(3);
        var a = Tensor.Randn(g, new[] { 2, 1, 3, 4 });
        var b = Tensor.Randn(g, new[] { 5, 4, 2 });
        var r = a.Matmul(b);
        TensorAssert.Shape(r, 2, 5, 3, 2);
        var av = a.ToArray();
        var bv = b.ToArray();
        for (int i = 0; i < 2; i++)
        for (int j = 0; j < 5; j++)
        {
            var e = Naive(av[(i * 12)..(i * 12 + 12)], bv[(j * 8)..(j * 8 + 8)], 3, 4, 2);
            TensorAssert.Close(e, r.Select(0, i).Select(0, j), 1e-5, 1e-5);
        }
        var v = Tensor.FromArray(new float[] { 1, 2, 3 });
        Assert.Equal(14f, v.Matmul(v).Item());
        TensorAssert.Shape(Tensor.Ones(4, 3).Matmul(v), 4);
        TensorAssert.Shape(v.Matmul(Tensor.Ones(3, 5)), 5);
    }

    [Fact]
    public void MismatchedInnerDimensionsNameTheShapes()
    {
        var ex = Assert.Throws<TensorShapeException>(() => Tensor.Zeros(2, 3).Matmul(Tensor.Zeros(4, 5)));
        Assert.Contains("2x3 and 4x5", ex.Message);
    }

    [Fact]
    public void LinearAddsBiasToEveryRow()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var w = Tensor.FromArray(new float[] { 1, 0, 0, 0, 1, 1 }, 2, 3);
        var b = Tensor.FromArray(new float[] { 10, 20 });
        Assert.Equal(new float[] { 11, 25, 14, 31 }, Tensor.Linear(x, w, b).ToArray());
        Assert.Throws<TensorShapeException>(() => Tensor.Linear(x, Tensor.Zeros(2, 4)));
    }
}
