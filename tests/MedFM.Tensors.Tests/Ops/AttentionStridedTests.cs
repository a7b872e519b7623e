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
