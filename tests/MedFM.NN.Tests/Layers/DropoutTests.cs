using MedFM.NN.Layers;
using MedFM.Tensors;
using MedFM.Tensors.Random;
using Xunit;

namespace MedFM.NN.Tests.Layers;

public class DropoutTests
{
    [Fact]
    public void DropoutZeroesAboutPAndScalesTheRest()
    {
        var d = new Dropout(0.3, new Generator(42));
        var y = d.Forward(Tensor.Full(2f, 100_000)).ToArray();
        int zeros = y.Count(v => v == 0f);
        Assert.InRange(zeros / 100_000.0, 0.29, 0.31);
        Assert.All(y, v => Assert.True(v == 0f || Math.Abs(v - 2f / 0.7f) < 1e-6, $"value {v}"));
    }

    [Fact]
    public void DropoutIsIdentityInEvalAndForZeroProbability()
    {
        var x = Tensor.Randn(new Generator(1), new[] { 4, 5 });
        Assert.Same(x, new Dropout(0.5).Eval().Let(m => ((Dropout)m).Forward(x)));
        Assert.Same(x, new Dropout(0.0).Forward(x));
        Assert.All(new Dropout(1.0).Forward(x).ToArray(), v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentException>(() => new Dropout(1.5));
    }

    [Fact]
    public void DropoutGradientUsesTheSameMask()
    {
        var x = Tensor.Ones(1000).RequireGrad();
        var y = new Dropout(0.5, new Generator(3)).Forward(x);
        y.Sum().Backward();
        Assert.Equal(y.ToArray(), x.Grad!.ToArray());
    }

    [Fact]
    public void DropPathDropsWholeSamplesAndScalesByKeepProbability()
    {
        var dp = new DropPath(0.25, generator: new Generator(9));
        var y = dp.Forward(Tensor.Ones(4000, 3, 2));
        var v = y.ToArray();
        int dropped = 0;
        for (int s = 0; s < 4000; s++)
        {
            var sample = v.AsSpan(s * 6, 6).ToArray();
            Assert.True(sample.All(e => e == 0f) || sample.All(e => Math.Abs(e - 1f / 0.75f) < 1e-6), $"sample {s} mixed: {string.Join(",", sample)}");
            if (sample[0] == 0f) dropped++;
        }
        Assert.InRange(dropped / 4000.0, 0.22, 0.28);
    }

    [Fact]
    public void DropPathWithoutScalingAndInEval()
    {
        var x = Tensor.Ones(200, 2);
        var y = new DropPath(0.5, scaleByKeep: false, generator: new Generator(5)).Forward(x).ToArray();
        Assert.All(y, e => Assert.True(e == 0f || e == 1f));
        var dp = new DropPath(0.5);
        dp.Eval();
        Assert.Same(x, dp.Forward(x));
    }
}

internal static class TestExtensions
{
    public static TResult Let<T, TResult>(this T value, Func<T, TResult> f) => f(value);
}
