using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

public class MovementTests
{
    private static Tensor Seq(params int[] shape) => Tensor.Arange(ShapeUtil.Numel(shape)).Reshape(shape);

    [Theory]
    [InlineData(new[] { 20, 37 }, new[] { 1, 0 })]            // a plain transpose, edges not multiples of the 16×16 block
    [InlineData(new[] { 3, 20, 37 }, new[] { 0, 2, 1 })]      // a batch of transposes
    [InlineData(new[] { 2, 256, 64 }, new[] { 0, 2, 1 })]     // [B, C, HW] → [B, HW, C], as SAM's image tokens
    [InlineData(new[] { 4, 3, 18, 9 }, new[] { 3, 0, 2, 1 })] // transposed pair under two batch dimensions
    [InlineData(new[] { 2, 9, 4, 16 }, new[] { 0, 2, 1, 3 })] // heads split: contiguous inner runs
    public void ContiguousCopyOfAPermutationPlacesEveryElement(int[] shape, int[] perm)
    {
        var x = Seq(shape);
        var y = x.Permute(perm).Contiguous().ToArray();
        var outShape = perm.Select(p => shape[p]).ToArray();
        var srcStrides = new int[shape.Length];
        for (int d = shape.Length - 1, st = 1; d >= 0; st *= shape[d], d--) srcStrides[d] = st;
        for (int i = 0; i < y.Length; i++)
        {
            int rem = i, src = 0;
            for (int d = outShape.Length - 1; d >= 0; d--)
            {
                src += rem % outShape[d] * srcStrides[perm[d]];
                rem /= outShape[d];
            }
            Assert.Equal(src, (int)y[i]);
        }
    }

    [Fact]
    public void ReshapeInfersMinusOneAndKeepsOrder()
    {
        var t = Seq(2, 3, 4).Reshape(4, -1);
        TensorAssert.Shape(t, 4, 6);
        Assert.Equal(7f, t[1, 1]);
    }

    [Fact]
    public void PermuteMovesElementsAsNumpyTranspose()
    {
        var t = Seq(2, 3, 4).Permute(2, 0, 1);
        TensorAssert.Shape(t, 4, 2, 3);
        // element [k, i, j] of the result is element [i, j, k] of the input = 12 i + 4 j + k
        Assert.Equal(12 * 1 + 4 * 2 + 3, t[3, 1, 2]);
        Assert.False(t.IsContiguous);
        var c = t.Contiguous();
        Assert.True(c.IsContiguous);
        Assert.Equal(t.ToArray(), c.ToArray());
    }

    [Fact]
    public void ViewOfTransposedTensorFailsButReshapeCopies()
    {
        var t = Seq(3, 4).T;
        Assert.Throws<TensorShapeException>(() => t.View(12));
        var r = t.Reshape(12);
        Assert.Equal(new float[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }, r.ToArray());
    }

    [Fact]
    public void ViewSplitsAndMergesCompatibleDimensionsOfANonContiguousTensor()
    {
        // [2, 3, 4] permuted to [3, 2, 4]: the last dimension stays contiguous and can be split without a copy.
        var t = Seq(2, 3, 4).Permute(1, 0, 2);
        var v = t.View(3, 2, 2, 2);
        Assert.Equal(t.ToArray(), v.ToArray());
        Assert.Throws<TensorShapeException>(() => t.View(6, 4));
    }

    [Fact]
    public void SliceWithStepAndNegativeBounds()
    {
        var t = Seq(10);
        Assert.Equal(new float[] { 2, 5, 8 }, t.Slice(0, 2, -1, 3).ToArray());
        Assert.Equal(new float[] { 7, 8 }, t.Narrow(0, -3, 2).ToArray());
        Assert.Throws<TensorShapeException>(() => t.Narrow(0, 8, 5));
    }

    [Fact]
    public void ExpandBroadcastsWithoutCopyAndRejectsBadSizes()
    {
        var t = Tensor.FromArray(new float[] { 1, 2, 3 }, 3, 1).Expand(2, 3, 4);
        TensorAssert.Shape(t, 2, 3, 4);
        Assert.Equal(0, t.Strides[0]);
        Assert.Equal(3f, t[1, 2, 3]);
        var ex = Assert.Throws<TensorShapeException>(() => Tensor.Zeros(3, 2).Expand(3, 4));
        Assert.Contains("[3, 2]", ex.Message);
    }

    [Fact]
    public void CatStackSplitChunkRoundTrip()
    {
        var a = Seq(2, 3);
        var b = Seq(2, 3).Add(100f);
        var c = Tensor.Cat(new[] { a, b }, 1);
        TensorAssert.Shape(c, 2, 6);
        Assert.Equal(new float[] { 0, 1, 2, 100, 101, 102, 3, 4, 5, 103, 104, 105 }, c.ToArray());
        var parts = c.Split(new[] { 3, 3 }, 1);
        Assert.Equal(a.ToArray(), parts[0].ToArray());
        Assert.Equal(b.ToArray(), parts[1].ToArray());
        var s = Tensor.Stack(new[] { a, b }, 1);
        TensorAssert.Shape(s, 2, 2, 3);
        Assert.Equal(103f, s[1, 1, 0]);
        var chunks = Seq(7).Chunk(3);
        Assert.Equal(new[] { 3, 3, 1 }, chunks.Select(x => x.Numel));
        Assert.Throws<TensorShapeException>(() => Tensor.Cat(new[] { Seq(2, 3), Seq(3, 3) }, 1));
    }

    [Fact]
    public void PadAddsConstantBordersStartingFromTheLastDimension()
    {
        var t = Seq(2, 2).Pad(new[] { 1, 0, 0, 1 }, -1f);
        TensorAssert.Shape(t, 3, 3);
        Assert.Equal(new float[] { -1, 0, 1, -1, 2, 3, -1, -1, -1 }, t.ToArray());
        var cropped = Seq(3, 3).Pad(new[] { -1, 0 });
        Assert.Equal(new float[] { 1, 2, 4, 5, 7, 8 }, cropped.ToArray());
    }

    [Fact]
    public void SqueezeUnsqueezeFlattenSelect()
    {
        var t = Seq(2, 1, 3);
        TensorAssert.Shape(t.Squeeze(), 2, 3);
        TensorAssert.Shape(t.Unsqueeze(-1), 2, 1, 3, 1);
        TensorAssert.Shape(Seq(2, 3, 4).Flatten(1), 2, 12);
        Assert.Equal(new float[] { 4, 5, 6, 7 }, Seq(2, 3, 4).Select(1, 1).Select(0, 0).ToArray());
        Assert.Throws<TensorAxisException>(() => t.Select(3, 0));
    }

    [Fact]
    public void RankAboveSixIsRejected()
    {
        Assert.Throws<TensorShapeException>(() => Tensor.Zeros(1, 1, 1, 1, 1, 1, 1));
    }
}
