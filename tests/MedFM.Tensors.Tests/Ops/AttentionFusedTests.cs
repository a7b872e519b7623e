using MedFM.Tensors;
using MedFM.Tensors.Random;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>Fused scaled-dot-product attention against AttentionComposed, in value and in every gradient.</summary>
public class AttentionFusedTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(new Generator(seed), shape);

    public static TheoryData<int[], int, int, int, bool> Shapes => new()
    {
        // batch dims, Lq, Lk, E (Ev = E + 3 when odd case), causal
        { new[] { 2 }, 5, 5, 8, false },
        { new[] { 1, 3 }, 7, 11, 5, false },        // E not a multiple of 8, Lq ≠ Lk
        { new[] { 2, 2 }, 50, 37, 16, false },      // two query tiles, partial
        { new[] { 1 }, 130, 300, 13, false },        // several key tiles, last partial
        { new[] { 2, 3 }, 61, 61, 64, true },       // causal, square
        { new[] { 1 }, 20, 45, 9, true },           // causal with Lk > Lq (bottom-right aligned)
        { new[] { 1 }, 197, 197, 64, false },       // ViT-B sequence
        { new[] { 2 }, 70, 2100, 8, false },        // long keys: several query chunks (rows per chunk ≈ 65536 / Lk)
        { new[] { 1 }, 90, 1500, 12, true },        // causal across chunks
        { Array.Empty<int>(), 9, 4, 3, false },     // no batch dimensions
    };

    private static void AssertAttention(Tensor q, Tensor k, Tensor v, Tensor? bias, float? scale, bool causal, double tol = 2e-5)
    {
        var leaves = new[] { q, k, v, bias }.Where(t => t is not null).Select(t => t!.Detach().Clone().RequireGrad()).ToArray();
        var refs = leaves.Select(t => t.Detach().Clone().RequireGrad()).ToArray();
        Tensor? B(Tensor[] a) => bias is null ? null : a[3];
        var y = Tensor.ScaledDotProductAttention(leaves[0], leaves[1], leaves[2], B(leaves), scale, causal);
        var yr = Tensor.AttentionComposed(refs[0], refs[1], refs[2], B(refs), scale, causal);
        TensorAssert.Shape(y, yr.ShapeArray());
        TensorAssert.Close(yr.ToArray(), y, tol, tol);
        var w = R(99, y.ShapeArray());
        y.Mul(w).Sum().Backward();
        yr.Mul(w).Sum().Backward();
        for (int i = 0; i < leaves.Length; i++)
        {
            var expected = refs[i].Grad!.ToArray();
            double err = TensorAssert.ScaledMaxError(expected, leaves[i].Grad!.ToArray());
            Assert.True(err < 20 * tol, $"gradient of input {i}: scaled max error {err:G3}");
        }
    }

    private static int[] Cat(int[] batch, params int[] tail) => batch.Concat(tail).ToArray();

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesComposed(int[] batch, int lq, int lk, int e, bool causal)
    {
        int ev = e % 2 == 1 ? e + 3 : e;
        AssertAttention(R(1, Cat(batch, lq, e)), R(2, Cat(batch, lk, e)), R(3, Cat(batch, lk, ev)), null, null, causal);
    }

    [Fact]
    public void CustomScale() =>
        AssertAttention(R(1, 2, 9, 6), R(2, 2, 14, 6), R(3, 2, 14, 6), null, 0.8f, false);

    [Fact]
    public void FullBiasWithGradient() =>
        AssertAttention(R(1, 2, 3, 40, 8), R(2, 2, 3, 150, 8), R(3, 2, 3, 150, 8), R(4, 2, 3, 40, 150), null, false);

    [Fact]
    public void BroadcastBiasesSumTheirGradients()
    {
        AssertAttention(R(1, 2, 3, 12, 8), R(2, 2, 3, 10, 8), R(3, 2, 3, 10, 8), R(4, 12, 10), null, false);      // [Lq, Lk]
        AssertAttention(R(1, 2, 3, 12, 8), R(2, 2, 3, 10, 8), R(3, 2, 3, 10, 8), R(4, 1, 3, 1, 10), null, false); // per head and key
        AssertAttention(R(1, 2, 3, 10, 8), R(2, 2, 3, 12, 8), R(3, 2, 3, 12, 8), R(4, 2, 1, 10, 12), null, true); // shared by heads, causal
    }

    /// <summary>A bias constant along the keys cancels in the softmax: same output, zero gradient.</summary>
    [Fact]
    public void RowConstantBiasHasNoEffect()
    {
        var q = R(1, 2, 7, 8);
        var k = R(2, 2, 9, 8);
        var v = R(3, 2, 9, 8);
        var bias = R(4, 2, 7, 1).Mul(5f).RequireGrad();
        var y = Tensor.ScaledDotProductAttention(q, k, v, bias);
        TensorAssert.Close(Tensor.ScaledDotProductAttention(q, k, v).ToArray(), y, 2e-6, 2e-5);
        y.Mul(R(5, 2, 7, 8)).Sum().Backward();
        Assert.All(bias.Grad!.ToArray(), gv => Assert.True(Math.Abs(gv) < 1e-5, $"gradient {gv}"));
    }

    [Fact]
    public void KeyPaddingMaskWithNegativeInfinity()
    {
        // Batch 0 may see its first 7 keys, batch 1 its first 140 (across two key tiles).
        var mask = Tensor.Zeros(2, 1, 1, 150);
        for (int j = 7; j < 150; j++) mask[0, 0, 0, j] = float.NegativeInfinity;
        for (int j = 140; j < 150; j++) mask[1, 0, 0, j] = float.NegativeInfinity;
        AssertAttention(R(1, 2, 2, 30, 16), R(2, 2, 2, 150, 16), R(3, 2, 2, 150, 16), mask, null, false);
    }

    [Fact]
    public void BoolMaskMeansMayAttend()
    {
        var q = R(1, 2, 6, 8);
        var k = R(2, 2, 9, 8);
        var v = R(3, 2, 9, 8);
        var allowed = Tensor.Rand(new Generator(4), new[] { 6, 9 }).Lt(0.6f);
        for (int i = 0; i < 6; i++) allowed[i, i] = 1f; // every row sees at least one key
        var additive = Tensor.Where(allowed, Tensor.Scalar(0f), Tensor.Scalar(float.NegativeInfinity));
        var y = Tensor.ScaledDotProductAttention(q, k, v, allowed);
        TensorAssert.Close(Tensor.AttentionComposed(q, k, v, additive).ToArray(), y, 2e-5, 2e-5);
    }

    [Fact]
    public void FullyMaskedRowsGiveNaNAsComposed()
    {
        // Causal with Lq > Lk: the first Lq − Lk query rows see no key at all.
        var q = R(1, 1, 8, 4);
        var k = R(2, 1, 5, 4);
        var v = R(3, 1, 5, 4);
        var y = Tensor.ScaledDotProductAttention(q, k, v, causal: true).ToArray();
        var yr = Tensor.AttentionComposed(q, k, v, causal: true).ToArray();
        for (int i = 0; i < y.Length; i++)
        {
            if (float.IsNaN(yr[i])) Assert.True(float.IsNaN(y[i]), $"element {i}: {y[i]} where composed gives NaN");
            else Assert.Equal(yr[i], y[i], 2e-5f);
        }
        Assert.Contains(yr, float.IsNaN);
    }

    [Fact]
    public void NonContiguousInputsAndEmptyKeys()
    {
        var q = R(1, 9, 2, 8).Transpose(0, 1);   // [2, 9, 8] strided
        var k = R(2, 2, 8, 12).Transpose(1, 2);  // [2, 12, 8]
        var v = R(3, 2, 12, 5);
        AssertAttention(q, k, v, null, null, false);
        var empty = Tensor.ScaledDotProductAttention(R(1, 3, 4), Tensor.Zeros(0, 4), Tensor.Zeros(0, 6));
        TensorAssert.Shape(empty, 3, 6);
        Assert.All(empty.ToArray(), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void ResultDoesNotDependOnTheThreadCount()
    {
        var q = R(1, 3, 100, 24).RequireGrad();
        var k = R(2, 3, 90, 24).RequireGrad();
        var v = R(3, 3, 90, 24).RequireGrad();
        var saved = MedFM.Tensors.Parallel.ThreadTeam.Default;
        float[] Run(int threads, out float[] dq)
        {
            using var team = new MedFM.Tensors.Parallel.ThreadTeam(threads);
            MedFM.Tensors.Parallel.ThreadTeam.Default = team;
            try
            {
                q.ZeroGrad();
                var y = Tensor.ScaledDotProductAttention(q, k, v, causal: true);
                y.Sum().Backward();
                dq = q.Grad!.ToArray();
                return y.ToArray();
            }
            finally { MedFM.Tensors.Parallel.ThreadTeam.Default = saved; }
        }
        var one = Run(1, out var dq1);
        var two = Run(2, out var dq2);
        Assert.Equal(one, two);
        Assert.Equal(dq1, dq2);
    }

    [Fact]
    public void BadShapes()
    {
        Assert.Throws<TensorShapeException>(() => Tensor.ScaledDotProductAttention(R(1, 2, 3, 4), R(1, 2, 5, 3), R(1, 2, 5, 4)));
        Assert.Throws<TensorShapeException>(() => Tensor.ScaledDotProductAttention(R(1, 2, 3, 4), R(1, 3, 5, 4), R(1, 3, 5, 4)));
        Assert.Throws<TensorShapeException>(() => Tensor.ScaledDotProductAttention(R(1, 2, 3, 4), R(1, 2, 5, 4), R(1, 2, 6, 4)));
        Assert.Throws<TensorShapeException>(() => Tensor.ScaledDotProductAttention(R(1, 3, 4), R(1, 5, 4), R(1, 5, 4), R(1, 3, 4)));
        Assert.Throws<TensorShapeException>(() => Tensor.ScaledDotProductAttention(R(1, 3, 4), R(1, 5, 4), R(1, 5, 4), R(1, 2, 3, 5)));
        Assert.Throws<TensorDTypeException>(() => Tensor.ScaledDotProductAttention(Tensor.ArangeLong(4).Reshape(1, 4), R(1, 1, 4), R(1, 1, 4)));
    }
}
