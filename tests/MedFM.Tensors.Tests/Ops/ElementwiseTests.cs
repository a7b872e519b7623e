using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

public class ElementwiseTests
{
    [Fact]
    public void BroadcastAddsRowAndColumnVectors()
    {
        var col = Tensor.FromArray(new float[] { 0, 10, 20 }, 3, 1);
        var row = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 4);
        var r = col + row;
        TensorAssert.Shape(r, 3, 4);
        Assert.Equal(new float[] { 1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24 }, r.ToArray());
    }

    [Fact]
    public void BroadcastOverChannelsOfNchwMatchesLoop()
    {
        var x = Tensor.Arange(2 * 3 * 4 * 5).Reshape(2, 3, 4, 5);
        var b = Tensor.FromArray(new float[] { 1, 2, 3 }, 1, 3, 1, 1);
        var r = (x * b).ToArray();
        for (int n = 0; n < 2; n++)
        for (int c = 0; c < 3; c++)
        for (int i = 0; i < 20; i++)
            Assert.Equal(((n * 3 + c) * 20 + i) * (c + 1f), r[(n * 3 + c) * 20 + i]);
    }

    [Fact]
    public void LargeBroadcastOnTransposedInputMatchesScalarLoop()
    {
        // Big enough for the threaded path, with a non-contiguous left operand.
        var x = Tensor.Arange(300 * 257).Reshape(300, 257).T;
        var y = Tensor.Arange(300).Mul(0.5f);
        var r = (x - y).ToArray();
        var xs = x.ToArray();
        for (int i = 0; i < 257; i++)
        for (int j = 0; j < 300; j++)
            Assert.Equal(xs[i * 300 + j] - 0.5f * j, r[i * 300 + j]);
    }

    [Fact]
    public void IncompatibleShapesNameBothShapes()
    {
        var ex = Assert.Throws<TensorShapeException>(() => Tensor.Zeros(2, 3) + Tensor.Zeros(4));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4]", ex.Message);
        Assert.Equal("add", ex.Op);
    }

    [Fact]
    public void ArithmeticOnInt64IsADTypeError()
    {
        var idx = Tensor.FromLongs(new long[] { 1, 2 });
        Assert.Throws<TensorDTypeException>(() => idx.Add(1f));
        Assert.Throws<TensorDTypeException>(() => idx.Matmul(idx));
    }

    [Fact]
    public void ComparisonsProduceBoolMasks()
    {
        var x = Tensor.FromArray(new float[] { -1, 0, 2 });
        var m = x.Gt(0f);
        Assert.Equal(DType.Bool, m.DType);
        Assert.Equal(new float[] { 0, 0, 1 }, m.ToArray());
        Assert.Equal(new float[] { 7, 7, 2 }, x.MaskedFill(x.Le(0f), 7f).ToArray());
    }

    [Fact]
    public void UnaryMathMatchesSystemMath()
    {
        var v = new float[] { -2.5f, -0.3f, 0f, 0.7f, 3f };
        var x = Tensor.FromArray(v);
        TensorAssert.Close(v.Select(MathF.Exp).ToArray(), x.Exp(), 1e-6, 1e-6);
        TensorAssert.Close(v.Select(MathF.Tanh).ToArray(), x.Tanh(), 1e-6, 1e-6);
        TensorAssert.Close(v.Select(a => 1f / (1f + MathF.Exp(-a))).ToArray(), x.Sigmoid(), 1e-6, 1e-6);
        TensorAssert.Close(v.Select(a => Math.Max(a, 0f)).ToArray(), x.Relu(), 0, 0);
        TensorAssert.Close(v.Select(a => Math.Clamp(a, -1f, 1f)).ToArray(), x.Clamp(-1f, 1f), 0, 0);
    }

    [Fact]
    public void GeluMatchesReferenceValues()
    {
        // torch.nn.functional.gelu(torch.tensor([-3, -1, -0.5, 0, 0.5, 1, 3])) and approximate='tanh'
        var x = Tensor.FromArray(new float[] { -3f, -1f, -0.5f, 0f, 0.5f, 1f, 3f });
        TensorAssert.Close(new[] { -0.00404969f, -0.15865526f, -0.15426877f, 0f, 0.34573123f, 0.84134474f, 2.99595031f }, x.Gelu(), 1e-6, 1e-6);
        TensorAssert.Close(new[] { -0.00363752f, -0.15880801f, -0.15428599f, 0f, 0.34571401f, 0.84119199f, 2.99636248f }, x.Gelu("tanh"), 1e-6, 1e-6);
    }

    [Fact]
    public void ErfMatchesTabulatedValues()
    {
        var x = Tensor.FromArray(new float[] { 1e-4f, 0.1f, 0.5f, 1f, 2f, -1.5f });
        // Abramowitz & Stegun table 7.1 / scipy.special.erf
        TensorAssert.Close(new[] { 1.1283791e-4f, 0.11246292f, 0.52049988f, 0.84270079f, 0.99532227f, -0.96610515f }, x.Erf(), 1e-7, 1e-6);
    }

    [Fact]
    public void WhereSelectsWithoutTurningInfinityIntoNaN()
    {
        var c = Tensor.FromBools(new[] { true, false }, 2);
        var a = Tensor.FromArray(new float[] { float.PositiveInfinity, 1 });
        var b = Tensor.FromArray(new float[] { 5, float.NegativeInfinity });
        Assert.Equal(new[] { float.PositiveInfinity, float.NegativeInfinity }, Tensor.Where(c, a, b).ToArray());
    }
}
