using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

public class ReduceTests
{
    private static Tensor Seq(params int[] shape) => Tensor.Arange(ShapeUtil.Numel(shape)).Reshape(shape);

    [Fact]
    public void SumOverEachDimensionMatchesLoops()
    {
        var x = Seq(2, 3, 4);
        Assert.Equal(276f, x.Sum().Item());
        Assert.Equal(new float[] { 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34 }, x.Sum(0).ToArray());
        Assert.Equal(new float[] { 12, 15, 18, 21, 48, 51, 54, 57 }, x.Sum(1).ToArray());
        Assert.Equal(new float[] { 6, 22, 38, 54, 70, 86 }, x.Sum(2).ToArray());
        TensorAssert.Shape(x.Sum(new[] { 0, 2 }, keepDim: true), 1, 3, 1);
        Assert.Equal(new float[] { 60, 92, 124 }, x.Sum(new[] { 0, 2 }).ToArray());
    }

    [Fact]
    public void MeanVarStdMatchBesselCorrectedValues()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 10, 20, 30, 40 }, 2, 4);
        Assert.Equal(new float[] { 2.5f, 25f }, x.Mean(1).ToArray());
        TensorAssert.Close(new[] { 5f / 3f, 500f / 3f }, x.Var(1), 1e-6, 1e-6);
        TensorAssert.Close(new[] { 1.25f, 125f }, x.Var(1, correction: 0), 1e-6, 1e-6);
    }

    [Fact]
    public void MaxWithIndicesTakesFirstOccurrenceAndNaNWins()
    {
        var x = Tensor.FromArray(new float[] { 1, 5, 5, 2, float.NaN, 0 }, 2, 3);
        var (v, i) = x.Max(1);
        Assert.Equal(5f, v[0]);
        Assert.Equal(1L, i.ToLongArray()[0]);
        Assert.True(float.IsNaN(v[1]));
        Assert.Equal(1L, i.ToLongArray()[1]);
        Assert.Equal(DType.Int64, i.DType);
    }

    [Fact]
    public void SortIsStableAndTopkPicksLargest()
    {
        var x = Tensor.FromArray(new float[] { 3, 1, 2, 1, 5 });
        var (s, idx) = x.Sort();
        Assert.Equal(new float[] { 1, 1, 2, 3, 5 }, s.ToArray());
        Assert.Equal(new long[] { 1, 3, 2, 0, 4 }, idx.ToLongArray());
        var (tv, ti) = x.Topk(2);
        Assert.Equal(new float[] { 5, 3 }, tv.ToArray());
        Assert.Equal(new long[] { 4, 0 }, ti.ToLongArray());
        Assert.Equal(new long[] { 4, 0, 2, 1, 3 }, x.Argsort(descending: true).ToLongArray());
    }

    [Fact]
    public void GatherScatterIndexSelect()
    {
        var x = Seq(3, 4);
        var idx = Tensor.FromLongs(new long[] { 3, 0, 1, 1, 2, 2 }, 3, 2);
        Assert.Equal(new float[] { 3, 0, 5, 5, 10, 10 }, x.Gather(1, idx).ToArray());
        Assert.Equal(new float[] { 8, 9, 10, 11, 0, 1, 2, 3 }, x.IndexSelect(0, Tensor.FromLongs(new long[] { 2, 0 })).ToArray());
        var z = Tensor.Zeros(2, 3).ScatterAdd(1, Tensor.FromLongs(new long[] { 0, 0, 2, 1 }, 2, 2), Tensor.Ones(2, 2));
        Assert.Equal(new float[] { 2, 0, 0, 0, 1, 1 }, z.ToArray());
        Assert.Throws<TensorAxisException>(() => x.Gather(1, Tensor.FromLongs(new long[] { 4 }, 1, 1)));
        Assert.Throws<TensorDTypeException>(() => x.IndexSelect(0, Tensor.FromArray(new float[] { 0 })));
    }
}
