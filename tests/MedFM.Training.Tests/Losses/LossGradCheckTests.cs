using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Random;
using MedFM.Training.Losses;
using Xunit;

namespace MedFM.Training.Tests.Losses;

/// <summary>Loss gradients against finite differences, and input validation.</summary>
public class LossGradCheckTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(new Generator(seed), shape);

    private static void Pass(GradCheckResult r) => Assert.True(r.Passed, $"{r.Worst} (max abs {r.MaxAbsError:G3})");

    [Fact]
    public void CrossEntropyWithWeightsSmoothingAndIgnore()
    {
        var ce = new CrossEntropyLoss(Tensor.FromArray(new float[] { 0.5f, 1, 2, 1.5f }), ignoreIndex: 3, labelSmoothing: 0.1);
        var t = Tensor.FromLongs(new long[] { 0, 3, 2, 1, 2, 3 }, 2, 3);
        Pass(GradCheck.Check(a => ce.Forward(a[0], t), new[] { R(1, 2, 4, 3) }));
    }

    [Fact]
    public void CrossEntropyHandWorked()
    {
        // logits [0, ln 3]: p = [1/4, 3/4]; target 1 → −ln(3/4); smoothing 0.2 → 0.8·(−ln 0.75) + 0.1·(−ln 0.25 − ln 0.75).
        var x = Tensor.FromArray(new[] { 0f, MathF.Log(3) }, 1, 2);
        var t = Tensor.FromLongs(new long[] { 1 }, 1);
        Assert.Equal(-Math.Log(0.75), new CrossEntropyLoss().Forward(x, t).Item(), 6);
        Assert.Equal(0.8 * -Math.Log(0.75) + 0.1 * (-Math.Log(0.25) - Math.Log(0.75)), new CrossEntropyLoss(labelSmoothing: 0.2).Forward(x, t).Item(), 6);
        // Unbatched: [C] logits with a 0-D target.
        Assert.Equal(-Math.Log(0.75), new CrossEntropyLoss().Forward(Tensor.FromArray(new[] { 0f, MathF.Log(3) }), Tensor.FromLongs(new long[] { 1 }, Array.Empty<int>())).Item(), 6);
    }

    [Fact]
    public void CrossEntropyRejectsBadTargets()
    {
        var ce = new CrossEntropyLoss();
        Assert.Throws<TensorAxisException>(() => ce.Forward(R(1, 2, 3), Tensor.FromLongs(new long[] { 0, 3 })));
        Assert.Throws<TensorShapeException>(() => ce.Forward(R(1, 2, 3), Tensor.FromLongs(new long[] { 0, 1, 2 })));
        Assert.Throws<TensorShapeException>(() => new CrossEntropyLoss(Tensor.Ones(2)).Forward(R(1, 2, 3), Tensor.FromLongs(new long[] { 0, 1 })));
    }

    [Fact]
    public void BinaryLossesAndDice()
    {
        var y = Tensor.Rand(new Generator(2), new[] { 3, 4 });
        Pass(GradCheck.Check(a => new BCEWithLogitsLoss(posWeight: Tensor.FromArray(new float[] { 1, 2, 3, 0.5f })).Forward(a[0], y), new[] { R(3, 3, 4) }));
        Pass(GradCheck.Check(a => new SigmoidFocalLoss(reduction: Reduction.Mean).Forward(a[0], y), new[] { R(4, 3, 4) }));
        var labels = Tensor.FromLongs(new long[] { 0, 1, 2, 2, 1, 0, 0, 1 }, 2, 1, 2, 2);
        Pass(GradCheck.Check(a => new DiceLoss { Softmax = true, ToOnehotY = true }.Forward(a[0], labels), new[] { R(5, 2, 3, 2, 2) }));
        Pass(GradCheck.Check(a => new DiceCELoss(new DiceLoss { Softmax = true, ToOnehotY = true, Jaccard = true }).Forward(a[0], labels),
            new[] { R(6, 2, 3, 2, 2) }));
    }

    [Fact]
    public void BceIsStableForLargeLogits()
    {
        var x = Tensor.FromArray(new float[] { 200, -200, 0 });
        var y = Tensor.FromArray(new float[] { 1, 0, 1 });
        var l = new BCEWithLogitsLoss(reduction: Reduction.None).Forward(x, y).ToArray();
        Assert.Equal(0f, l[0]);
        Assert.Equal(0f, l[1]);
        Assert.Equal(MathF.Log(2), l[2], 6);
    }

    [Fact]
    public void PerfectDiceIsNearZeroAndShapesAreChecked()
    {
        var onehot = Tensor.FromArray(new float[] { 1, 0, 0, 1, 0, 1, 1, 0 }, 1, 2, 2, 2);
        Assert.Equal(0f, new DiceLoss().Forward(onehot, onehot).Item(), 5);
        Assert.Throws<TensorShapeException>(() => new DiceLoss().Forward(onehot, Tensor.Zeros(1, 3, 2, 2)));
    }
}
