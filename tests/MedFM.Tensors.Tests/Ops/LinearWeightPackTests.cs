using MedFM.Tensors;
using MedFM.Tensors.Kernels;
using MedFM.Tensors.Random;
using MedFM.Tensors.Tests.Kernels;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>
/// Linear from a weight packed ahead of time against Linear from the weight itself: the same micro-kernel summing
/// the same KC blocks in the same order, so the results must be equal bit for bit, on both the AVX-512 and the AVX2
/// kernel, whichever way the work is split over the threads, and after the weight changes.
/// </summary>
[Collection(GemmGlobalState.Name)]
public class LinearWeightPackTests
{
    // rows × in → out: below the small-product threshold (the pack is not used), few rows (split over columns),
    // many rows (split over rows), several KC blocks, partial panels, a batch-1 ViT shape.
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 3, 5, 7 }, { 13, 96, 200 }, { 300, 64, 96 }, { 50, 600, 70 }, { 131, 300, 333 }, { 197, 192, 576 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PackedEqualsUnpackedBitForBit(int rows, int inF, int outF)
    {
        var g = new Generator((ulong)(rows * 7 + inF + outF));
        var x = Tensor.Randn(g, new[] { rows, inF });
        var w = Tensor.Randn(g, new[] { outF, inF }).Mul(1f / MathF.Sqrt(inF));
        var b = Tensor.Randn(g, new[] { outF });
        using var _ = GemmGlobalState.Managed();
        foreach (bool avx2 in new[] { false, true })
        {
            using var cap = avx2 ? GemmGlobalState.Avx2() : null;
            var pack = LinearWeightPack.Create(w);
            Assert.Equal(Tensor.Linear(x, w, b).ToArray(), Tensor.Linear(x, w, b, pack).ToArray());
            Assert.Equal(Tensor.Linear(x, w).ToArray(), Tensor.Linear(x, w, null, pack).ToArray());
            Assert.Equal(Tensor.LinearGelu(x, w, b).ToArray(), Tensor.LinearGelu(x, w, b, "none", pack).ToArray());
            Assert.Equal(Tensor.LinearGelu(x, w, b, "tanh").ToArray(), Tensor.LinearGelu(x, w, b, "tanh", pack).ToArray());
            // Products below the small-product threshold take the unpacked small path; all others read the pack.
            Assert.Equal((long)rows * inF * outF < GemmBlocking.SmallWork ? 0 : 4, pack.Uses);
        }
    }

    [Fact]
    public void PackedProductMatchesADoublePrecisionReference()
    {
        var g = new Generator(21);
        var x = Tensor.Randn(g, new[] { 2, 77, 320 });
        var w = Tensor.Randn(g, new[] { 130, 320 }).Mul(0.05f);
        var b = Tensor.Randn(g, new[] { 130 });
        using var _ = GemmGlobalState.Managed();
        var y = Tensor.Linear(x, w, b, LinearWeightPack.Create(w));
        Assert.Equal(new[] { 2, 77, 130 }, y.Shape.ToArray());
        float[] xs = x.ToArray(), ws = w.ToArray(), bs = b.ToArray(), ys = y.ToArray();
        for (int r = 0; r < 154; r += 5)
        for (int o = 0; o < 130; o += 3)
        {
            double s = bs[o];
            for (int i = 0; i < 320; i++) s += (double)xs[r * 320 + i] * ws[o * 320 + i];
            Assert.True(Math.Abs(s - ys[r * 130 + o]) <= 1e-4 * (1 + Math.Abs(s)), $"row {r} col {o}: {ys[r * 130 + o]} vs {s}");
        }
    }

    [Fact]
    public void WritesToTheWeightThroughTheApiArePackedAgain()
    {
        var g = new Generator(5);
        var x = Tensor.Randn(g, new[] { 40, 64 });
        var w = Tensor.Randn(g, new[] { 48, 64 });
        using var _ = GemmGlobalState.Managed();
        var pack = LinearWeightPack.Create(w);
        var before = Tensor.Linear(x, w, null, pack).ToArray();
        Assert.Equal(0, pack.Repacks);

        w.Span[5] += 1f;                          // a span handed out (as an optimizer step writes)
        var afterSpan = Tensor.Linear(x, w, null, pack).ToArray();
        Assert.Equal(Tensor.Linear(x, w).ToArray(), afterSpan);
        Assert.NotEqual(before, afterSpan);
        Assert.Equal(1, pack.Repacks);

        w.CopyFrom(Tensor.Randn(g, new[] { 48, 64 })); // a state dict loaded into it
        Assert.Equal(Tensor.Linear(x, w).ToArray(), Tensor.Linear(x, w, null, pack).ToArray());
        w[0, 0] = 3f;                            // an element set
        Assert.Equal(Tensor.Linear(x, w).ToArray(), Tensor.Linear(x, w, null, pack).ToArray());
        Assert.Equal(3, pack.Repacks);

        Tensor.Linear(x, w, null, pack);          // nothing written since: no repack
        Assert.Equal(3, pack.Repacks);
    }

    [Fact]
    public void APackForTheOtherKernelIsNotUsed()
    {
        var g = new Generator(8);
        var x = Tensor.Randn(g, new[] { 60, 80 });
        var w = Tensor.Randn(g, new[] { 70, 80 });
        using var _ = GemmGlobalState.Managed();
        var wide = LinearWeightPack.Create(w);
        using (GemmGlobalState.Avx2())
            Assert.Equal(Tensor.Linear(x, w).ToArray(), Tensor.Linear(x, w, null, wide).ToArray());
        using (GemmGlobalState.Portable())
            Assert.Equal(Tensor.Linear(x, w).ToArray(), Tensor.Linear(x, w, null, wide).ToArray());
        Assert.Equal(0, wide.Uses);
        Tensor.Linear(x, w, null, wide);
        Assert.Equal(1, wide.Uses);
    }

    [Fact]
    public void RecordedProductsIgnoreThePackAndKeepTheirGradients()
    {
        var g = new Generator(13);
        var x = Tensor.Randn(g, new[] { 30, 40 }).RequireGrad();
        var w = Tensor.Randn(g, new[] { 50, 40 }).RequireGrad();
        var b = Tensor.Randn(g, new[] { 50 }).RequireGrad();
        var pack = LinearWeightPack.Create(w);
        var y = Tensor.Linear(x, w, b, pack);
        Assert.True(y.RequiresGrad);
        y.Sum().Backward();
        var x2 = x.Detach().Clone().RequireGrad();
        var w2 = w.Detach().Clone().RequireGrad();
        var b2 = b.Detach().Clone().RequireGrad();
        Tensor.Linear(x2, w2, b2).Sum().Backward();
        Assert.Equal(0, pack.Uses);
        Assert.Equal(x2.Grad!.ToArray(), x.Grad!.ToArray());
        Assert.Equal(w2.Grad!.ToArray(), w.Grad!.ToArray());
        Assert.Equal(b2.Grad!.ToArray(), b.Grad!.ToArray());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AReleasedWeightServesFromItsPackAndIsRebuiltExactly(int rows, int inF, int outF)
    {
        var g = new Generator((ulong)(rows * 5 + inF + outF));
        var x = Tensor.Randn(g, new[] { rows, inF });
        var b = Tensor.Randn(g, new[] { outF });
        using var _ = GemmGlobalState.Managed();
        foreach (bool avx2 in new[] { false, true })
        {
            using var cap = avx2 ? GemmGlobalState.Avx2() : null;
            var w = Tensor.Randn(g, new[] { outF, inF });
            var original = w.ToArray();
            var copy = Tensor.Wrap((float[])original.Clone(), outF, inF);
            var pack = LinearWeightPack.Create(w);
            Assert.True(pack.ReleaseWeight());
            Assert.True(pack.WeightReleased);
            // Products read the pack (the small ones a temporary copy from it) without bringing the weight back.
            Assert.Equal(Tensor.Linear(x, copy, b).ToArray(), Tensor.Linear(x, w, b, pack).ToArray());
            Assert.Equal(Tensor.LinearGelu(x, copy, b).ToArray(), Tensor.LinearGelu(x, w, b, "none", pack).ToArray());
            Assert.Equal((long)rows * inF * outF < GemmBlocking.SmallWork ? 0 : 2, pack.Uses);
            Assert.True(pack.WeightReleased);
            // Any access rebuilds it, bit for bit, once.
            Assert.Equal(original, w.ToArray());
            Assert.False(pack.WeightReleased);
            Assert.Equal(0, pack.Repacks);
        }
    }

    [Fact]
    public void WritesToAReleasedWeightRebuildItFirstAndArePackedAgain()
    {
        var g = new Generator(31);
        var x = Tensor.Randn(g, new[] { 40, 64 });
        var w = Tensor.Randn(g, new[] { 48, 64 });
        using var _ = GemmGlobalState.Managed();
        var pack = LinearWeightPack.Create(w);
        var original = w.ToArray();
        Assert.True(pack.ReleaseWeight());
        w[2, 3] += 1f;
        Assert.False(pack.WeightReleased);
        original[2 * 64 + 3] += 1f;
        Assert.Equal(original, w.ToArray());
        Assert.Equal(Tensor.Linear(x, Tensor.Wrap(original, 48, 64)).ToArray(), Tensor.Linear(x, w, null, pack).ToArray());
        Assert.Equal(1, pack.Repacks);
        // Released again, then trained through: the recorded product rebuilds the weight and its gradient is the plain one.
        Assert.True(pack.ReleaseWeight());
        w.RequireGrad();
        Tensor.Linear(x, w, null, pack).Sum().Backward();
        var plain = Tensor.Wrap((float[])original.Clone(), 48, 64).RequireGrad();
        Tensor.Linear(x, plain).Sum().Backward();
        Assert.Equal(plain.Grad!.ToArray(), w.Grad!.ToArray());
        Assert.False(pack.WeightReleased);
    }

    [Fact]
    public void OnlyAWeightThatOwnsItsWholeStorageIsReleased()
    {
        var g = new Generator(4);
        var wrapped = Tensor.Wrap(Tensor.Randn(g, new[] { 24, 16 }).ToArray(), 24, 16); // the caller holds the array
        Assert.False(LinearWeightPack.Create(wrapped).ReleaseWeight());
        var whole = Tensor.Randn(g, new[] { 48, 16 });
        var half = whole.Narrow(0, 0, 24);                                                  // a view of a larger storage
        Assert.False(LinearWeightPack.Create(half).ReleaseWeight());
        var stale = Tensor.Randn(g, new[] { 24, 16 });
        var pack = LinearWeightPack.Create(stale);
        stale.Span[0] = 1f;                                                                   // written since packing
        Assert.False(pack.ReleaseWeight());
        Assert.False(pack.WeightReleased);
        Assert.Equal(1f, stale[0, 0]);
    }

    [Fact]
    public void BadPacksAreRefused()
    {
        var w = Tensor.Zeros(4, 3);
        var other = Tensor.Zeros(4, 3);
        var ex = Assert.Throws<TensorException>(() => Tensor.Linear(Tensor.Zeros(2, 3), w, null, LinearWeightPack.Create(other)));
        Assert.Contains("another tensor", ex.Message);
        Assert.Throws<TensorShapeException>(() => LinearWeightPack.Create(Tensor.Zeros(0, 3)));
        Assert.ThrowsAny<TensorException>(() => LinearWeightPack.Create(Tensor.Zeros(2, 3, 4)));
    }
}
