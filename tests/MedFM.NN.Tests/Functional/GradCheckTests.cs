using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Random;
using Xunit;

namespace MedFM.NN.Tests.Functional;

/// <summary>Autograd of the functional layers against central finite differences.</summary>
public class GradCheckTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(new Generator(seed), shape);

    private static void Pass(GradCheckResult r) => Assert.True(r.Passed, $"{r.Worst} (max abs {r.MaxAbsError:G3}, {r.Checked} checked)");

    [Fact]
    public void EmbeddingScatterAddsIntoRepeatedRowsAndSkipsPadding()
    {
        var ids = Tensor.FromLongs(new long[] { 2, 0, 2, 3, 1, 2 }, 2, 3);
        // Finite differences see the padding row's value, so the check runs without padding; its zero gradient is asserted below.
        Pass(GradCheck.Check(t => NN.Functional.Embedding(t[1], t[0]), new[] { R(1, 5, 3), ids }));
        var w = R(2, 5, 3).RequireGrad();
        NN.Functional.Embedding(ids, w, paddingIdx: 1).Sum().Backward();
        var g = w.Grad!.ToArray();
        Assert.Equal(new float[] { 1, 1, 1 }, g[0..3]);   // id 0 once
        Assert.Equal(new float[] { 0, 0, 0 }, g[3..6]);   // padding row
        Assert.Equal(new float[] { 3, 3, 3 }, g[6..9]);   // id 2 three times
        Assert.Equal(new float[] { 0, 0, 0 }, g[12..15]); // id 4 unused
    }

    [Fact]
    public void EmbeddingRejectsOutOfRangeIdsAndFloatIds()
    {
        var w = R(3, 4, 2);
        Assert.Throws<TensorAxisException>(() => NN.Functional.Embedding(Tensor.FromLongs(new long[] { 4 }), w));
        Assert.Throws<TensorAxisException>(() => NN.Functional.Embedding(Tensor.FromLongs(new long[] { -1 }), w));
        Assert.Throws<TensorDTypeException>(() => NN.Functional.Embedding(Tensor.Zeros(2), w));
    }

    [Fact]
    public void BatchNormTrainingGradients()
    {
        Pass(GradCheck.Check(t => NN.Functional.BatchNorm(t[0], null, null, t[1], t[2], training: true, 0.1, 1e-5),
            new[] { R(3, 3, 2, 2, 3), R(4, 2).Add(1f), R(5, 2) }));
    }

    [Fact]
    public void BatchNormEvaluationGradients()
    {
        var rm = R(6, 2);
        var rv = R(7, 2).Abs().Add(0.5f);
        Pass(GradCheck.Check(t => NN.Functional.BatchNorm(t[0], rm, rv, t[1], t[2], training: false, 0.1, 1e-5),
            new[] { R(8, 2, 2, 3, 1), R(9, 2), R(10, 2) }));
    }

    [Fact]
    public void ShapeErrorsNameTheOperation()
    {
        var ex = Assert.Throws<TensorShapeException>(() => new NN.Layers.Conv2d(3, 2, 3).Forward(R(1, 1, 2, 4, 4)));
        Assert.Contains("conv2d", ex.Message);
        Assert.Throws<TensorShapeException>(() => new NN.Layers.MaxPool2d(2).Forward(R(1, 4)));
        Assert.Throws<TensorShapeException>(() => new NN.Layers.BatchNorm2d(2).Forward(R(1, 2, 2, 2)));
        Assert.Throws<TensorShapeException>(() => new NN.Layers.LayerNorm(4).Forward(R(1, 2, 3)));
    }
}
