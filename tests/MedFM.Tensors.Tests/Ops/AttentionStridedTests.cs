using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Random;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>
/// Inference attention on heads split off projections without copies ([B, L, nH·E] viewed as [B, nH, L, E]) and
/// with the output laid out token-major: against the composed reference, and bit for bit against the dense path
/// that a recorded (gradient) call takes.
/// </summary>
public class AttentionStridedTests
{
    public static TheoryData<int, int, int, int, int, bool> Shapes => new()
    {
        // B, heads, Lq, Lk, E, causal
        { 1, 8, 7, 4096, 16, false },   // SAM decoder, tokens to image
        { 1, 8, 4096, 7, 16, false },   // SAM decoder, image to tokens
        { 2, 3, 197, 197, 64, false },  // ViT
        { 2, 2, 50, 37, 13, true },     // odd width, causal
        { 1, 1, 9, 4, 3, false },
    };

    /// <summary>[B, L, nH·E] projection output viewed as heads [B, nH, L, E].</summary>
    private static Tensor Heads(ulong seed, int b, int l, int nh, int e) =>
        Tensor.Randn(new Generator(seed), new[] { b, l, nh * e }).Reshape(b, l, nh, e).Transpose(1, 2);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void StridedHeadsMatchComposedAndTheDensePath(int b, int nh, int lq, int lk, int e, bool causal)
    {
        var q = Heads(1, b, lq, nh, e);
        var k = Heads(2, b, lk, nh, e);
        var v = Heads(3, b, lk, nh, e + 1);
        Assert.Equal(nh == 1, q.IsContiguous);
        Tensor y;
        using (GradMode.Disable()) y = Tensor.ScaledDotProductAttention(q, k, v, causal: causal);
        TensorAssert.Shape(y, new[] { b, nh, lq, e + 1 });
        Assert.True(y.Transpose(1, 2).IsContiguous); // heads merge back into [B, Lq, nH·Ev] without a copy
        var reference = Tensor.AttentionComposed(q.Contiguous(), k.Contiguous(), v.Contiguous(), causal: causal);
        TensorAssert.Close(reference.ToArray(), y, 2e-5, 2e-5);
        // A recorded call reads dense copies: the same packed values through the same kernels.
        var dense = Tensor.ScaledDotProductAttention(q.Contiguous().RequireGrad(), k.Contiguous(), v.Contiguous(), causal: causal);
        Assert.Equal(dense.ToArray(), y.ToArray());
    }

    [Theory]
    [InlineData(2, 3, 20, 33, 16, false)]
    [InlineData(1, 2, 37, 50, 13, true)]
    public void GradientsFlowThroughStridedHeads(int b, int nh, int lq, int lk, int e, bool causal)
    {
        // Leaves are the projections; the heads are views of them, read in place by the forward and the backward.
        Tensor Leaf(ulong seed, int l, int width) => Tensor.Randn(new Generator(seed), new[] { b, l, nh * width }).RequireGrad();
        Tensor View(Tensor p, int l, int width) => p.Reshape(b, l, nh, width).Transpose(1, 2);
        var (pq, pk, pv) = (Leaf(11, lq, e), Leaf(12, lk, e), Leaf(13, lk, e + 2));
        var (rq, rk, rv) = (pq.Detach().Clone().RequireGrad(), pk.Detach().Clone().RequireGrad(), pv.Detach().Clone().RequireGrad());
        var y = Tensor.ScaledDotProductAttention(View(pq, lq, e), View(pk, lk, e), View(pv, lk, e + 2), causal: causal);
        var yr = Tensor.AttentionComposed(View(rq, lq, e), View(rk, lk, e), View(rv, lk, e + 2), causal: causal);
        TensorAssert.Close(yr.ToArray(), y, 2e-5, 2e-5);
        var w = Tensor.Randn(new Generator(14), y.ShapeArray());
        y.Mul(w).Sum().Backward();
        yr.Mul(w).Sum().Backward();
        TensorAssert.Close(rq.Grad!.ToArray(), pq.Grad!, 1e-4, 1e-4);
        TensorAssert.Close(rk.Grad!.ToArray(), pk.Grad!, 1e-4, 1e-4);
        TensorAssert.Close(rv.Grad!.ToArray(), pv.Grad!, 1e-4, 1e-4);
    }

    [Fact]
    public void ExpandedBatchAndBiasAreRead()
    {
        var q = Heads(4, 3, 20, 2, 8);
        var k = Heads(5, 1, 30, 2, 8).Expand(3, -1, -1, -1);   // one key set broadcast over the batch (stride 0)
        var v = Heads(6, 1, 30, 2, 8).Expand(3, -1, -1, -1);
        var bias = Tensor.Randn(new Generator(7), new[] { 3, 2, 20, 30 });
        Tensor y;
        using (GradMode.Disable()) y = Tensor.ScaledDotProductAttention(q, k, v, bias, scale: 0.3f);
        var reference = Tensor.AttentionComposed(q.Contiguous(), k.Contiguous(), v.Contiguous(), bias, 0.3f);
        TensorAssert.Close(reference.ToArray(), y, 2e-5, 2e-5);
    }
}
