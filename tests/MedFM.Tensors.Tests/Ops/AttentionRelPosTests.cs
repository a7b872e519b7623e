using MedFM.Tensors;
using MedFM.Tensors.Random;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>
/// Attention with SAM's decomposed relative position bias applied on the fly, against the composed form of
/// segment_anything/modeling/image_encoder.py add_decomposed_rel_pos:
/// attn.view(B, qh, qw, kh, kw) + rel_h[:, :, :, :, None] + rel_w[:, :, :, None, :].
/// </summary>
public class AttentionRelPosTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(new Generator(seed), shape);

    private static Tensor ComposedBias(Tensor relH, Tensor relW)
    {
        int b = relH.Size(0), qh = relH.Size(1), qw = relH.Size(2), kh = relH.Size(3), kw = relW.Size(3);
        return relH.Unsqueeze(-1).Add(relW.Unsqueeze(-2)).Reshape(b, qh * qw, kh * kw); // [B, qh·qw, kh·kw]
    }

    public static TheoryData<int, int, int, int, int, int> Cases => new()
    {
        // B·heads, qh, qw, kh, kw, head dim
        { 2, 3, 5, 4, 6, 8 },
        { 4, 14, 14, 14, 14, 8 },     // SAM window attention (window 14)
        { 1, 12, 12, 12, 12, 5 },     // 144 keys: the kw segments straddle the 128-key tile edge
        { 3, 7, 9, 7, 9, 16 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesComposedInValueAndGradient(int b, int qh, int qw, int kh, int kw, int e)
    {
        var leaves = new[] { R(1, b, qh * qw, e), R(2, b, kh * kw, e), R(3, b, kh * kw, e), R(4, b, qh, qw, kh), R(5, b, qh, qw, kw) }
            .Select(t => t.RequireGrad()).ToArray();
        var refs = leaves.Select(t => t.Detach().Clone().RequireGrad()).ToArray();
        float scale = 1f / MathF.Sqrt(e);
        var y = Tensor.AttentionDecomposedRelPos(leaves[0], leaves[1], leaves[2], leaves[3], leaves[4], scale);
        var yr = Tensor.AttentionComposed(refs[0], refs[1], refs[2], ComposedBias(refs[3], refs[4]), scale);
        TensorAssert.Close(yr.ToArray(), y, 2e-5, 2e-5);
        var w = R(6, y.ShapeArray());
        y.Mul(w).Sum().Backward();
        yr.Mul(w).Sum().Backward();
        for (int i = 0; i < leaves.Length; i++)
        {
            double err = TensorAssert.ScaledMaxError(refs[i].Grad!.ToArray(), leaves[i].Grad!.ToArray());
            Assert.True(err < 2e-4, $"gradient of input {i}: scaled max error {err:G3}");
        }
    }

    [Fact]
    public void EqualsTheDenseBiasPath()
    {
        var (q, k, v, h, w) = (R(1, 2, 2, 20, 8), R(2, 2, 2, 30, 8), R(3, 2, 2, 30, 8), R(4, 2, 2, 4, 5, 5), R(5, 2, 2, 4, 5, 6));
        var y = Tensor.AttentionDecomposedRelPos(q, k, v, h, w);
        var dense = h.Unsqueeze(-1).Add(w.Unsqueeze(-2)).Reshape(2, 2, 20, 30);
        TensorAssert.Close(Tensor.ScaledDotProductAttention(q, k, v, dense).ToArray(), y, 1e-6, 1e-5);
    }

    [Fact]
    public void GradientOnlyForInputsThatAskForIt()
    {
        var q = R(1, 1, 6, 4).RequireGrad();
        var relW = R(5, 1, 2, 3, 3).RequireGrad();
        var y = Tensor.AttentionDecomposedRelPos(q, R(2, 1, 9, 4), R(3, 1, 9, 4), R(4, 1, 2, 3, 3), relW);
        y.Sum().Backward();
        Assert.NotNull(q.Grad);
        Assert.NotNull(relW.Grad);
        TensorAssert.Shape(relW.Grad!, 1, 2, 3, 3);
    }

    [Fact]
    public void RejectsInconsistentShapes()
    {
        var q = R(1, 2, 6, 4);
        var k = R(2, 2, 9, 4);
        Assert.Throws<TensorShapeException>(() => Tensor.AttentionDecomposedRelPos(q, k, k, R(3, 2, 2, 3, 4), R(4, 2, 2, 3, 3))); // kh·kw = 12 ≠ 9
        Assert.Throws<TensorShapeException>(() => Tensor.AttentionDecomposedRelPos(q, k, k, R(3, 2, 3, 3, 3), R(4, 2, 3, 3, 3))); // qh·qw = 9 ≠ 6
        Assert.Throws<TensorShapeException>(() => Tensor.AttentionDecomposedRelPos(q, k, k, R(3, 1, 2, 3, 3), R(4, 1, 2, 3, 3))); // batch 1 ≠ 2
        Assert.Throws<TensorShapeException>(() => Tensor.AttentionDecomposedRelPos(q, k, k, R(3, 2, 2, 3, 3), R(4, 2, 3, 2, 3))); // relW's qh, qw
    }
}
