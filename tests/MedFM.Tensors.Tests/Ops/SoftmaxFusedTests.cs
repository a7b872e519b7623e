using MedFM.Tensors;
using MedFM.Tensors.Random;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>Fused Softmax / LogSoftmax against the composed references, in value and gradient.</summary>
public class SoftmaxFusedTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(new Generator(seed), shape, 0f, 3f);

    public static TheoryData<int[], int> Cases => new()
    {
        { new[] { 5 }, 0 },
        { new[] { 3, 7 }, -1 },
        { new[] { 2, 3, 17 }, 2 },
        { new[] { 4, 1000 }, 1 },          // long rows, several vectors and a tail
        { new[] { 300, 197 }, -1 },        // parallel rows (ViT attention row length)
        { new[] { 2, 5, 3 }, 1 },          // middle dimension: column kernel
        { new[] { 7, 4, 9 }, 0 },          // first dimension
        { new[] { 2, 3, 300, 2 }, 1 },     // inner 600: two column chunks, the second partial
        { new[] { 3, 40, 33, 11 }, 1 },    // inner 363, parallel column work
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SoftmaxMatchesComposed(int[] shape, int dim) => Compare(shape, dim, log: false);

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogSoftmaxMatchesComposed(int[] shape, int dim) => Compare(shape, dim, log: true);

    private static void Compare(int[] shape, int dim, bool log)
    {
        var x = R(1, shape).RequireGrad();
        var xr = x.Detach().Clone().RequireGrad();
        var y = log ? x.LogSoftmax(dim) : x.Softmax(dim);
        var yr = log ? xr.LogSoftmaxComposed(dim) : xr.SoftmaxComposed(dim);
        TensorAssert.Shape(y, shape);
        TensorAssert.Close(yr.ToArray(), y, atol: log ? 2e-6 : 1e-7, rtol: 2e-6);
        var w = R(2, shape);
        y.Mul(w).Sum().Backward();
        yr.Mul(w).Sum().Backward();
        TensorAssert.Close(xr.Grad!.ToArray(), x.Grad!, atol: 3e-6, rtol: 3e-5);
    }

    [Fact]
    public void HandWorkedRow()
    {
        // softmax([1, 2, 3]) = e^(i−3) / (e^−2 + e^−1 + 1)
        double z = Math.Exp(-2) + Math.Exp(-1) + 1;
        var y = Tensor.FromArray(new[] { 1f, 2f, 3f }).Softmax(0);
        TensorAssert.Close(new[] { (float)(Math.Exp(-2) / z), (float)(Math.Exp(-1) / z), (float)(1 / z) }, y, 1e-7, 1e-6);
        var ly = Tensor.FromArray(new[] { 1f, 2f, 3f }).LogSoftmax(0);
        TensorAssert.Close(new[] { (float)(-2 - Math.Log(z)), (float)(-1 - Math.Log(z)), (float)(-Math.Log(z)) }, ly, 1e-6, 1e-6);
    }

    [Fact]
    public void StableForHugeLogits()
    {
        var y = Tensor.FromArray(new[] { 1000f, 1001f, -1000f, 1002f }).Softmax(0).ToArray();
        double z = Math.Exp(-2) + Math.Exp(-1) + 1;
        Assert.Equal(Math.Exp(-2) / z, y[0], 1e-7);
        Assert.Equal(0f, y[2]);
        Assert.Equal(1 / z, y[3], 1e-7);
    }

    [Fact]
    public void NegativeInfinityMasksAndFullyMaskedRowsAsComposed()
    {
        float ninf = float.NegativeInfinity;
        var data = new[] { 0.5f, ninf, 2f, ninf, ninf, ninf, ninf, ninf, 1f, 1f, ninf, 3f, 0f, ninf, ninf, -1f, 2f, 2f };
        var x = Tensor.FromArray(data, 2, 9);
        foreach (bool log in new[] { false, true })
        {
            var y = log ? x.LogSoftmax(-1) : x.Softmax(-1);
            var yr = log ? x.LogSoftmaxComposed(-1) : x.SoftmaxComposed(-1);
            TensorAssert.Close(yr.ToArray(), y, 1e-6, 1e-6);
        }
        var all = Tensor.Full(ninf, 1, 11).Softmax(-1).ToArray();
        Assert.All(all, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void NonContiguousInputAndZeroDimensional()
    {
        var x = R(3, 6, 5).Transpose(0, 1);                          // [5, 6], strided
        TensorAssert.Close(x.SoftmaxComposed(1).ToArray(), x.Softmax(1), 1e-7, 2e-6);
        TensorAssert.Close(new[] { 1f }, Tensor.Scalar(4f).Softmax(0));
        TensorAssert.Close(new[] { 0f }, Tensor.Scalar(4f).LogSoftmax(-1));
        Assert.Equal(0, Tensor.Zeros(3, 0).Softmax(1).Numel);
    }

    [Fact]
    public void BadArguments()
    {
        Assert.Throws<TensorAxisException>(() => Tensor.Zeros(2, 3).Softmax(2));
        Assert.Throws<TensorDTypeException>(() => Tensor.ArangeLong(3).Softmax(0));
    }
}
