using MedFM.NN.Layers;
using MedFM.Tensors;
using MedFM.Tensors.Random;
using MedFM.Training.Optim;
using MedFM.Training.Schedules;
using Xunit;

namespace MedFM.Training.Tests.Optim;

public class GradientAccumulatorTests
{
    [Fact]
    public void FourMicroBatchesEqualOneBigBatch()
    {
        var x = Tensor.Randn(new Generator(1), new[] { 16, 5 });
        var y = Tensor.Randn(new Generator(2), new[] { 16, 2 });
        var big = new Linear(5, 2, init: new Generator(3));
        var small = new Linear(5, 2, init: new Generator(3));
        var optBig = new SGD(big.Parameters(), lr: 0.1, momentum: 0.9);
        var optSmall = new SGD(small.Parameters(), lr: 0.1, momentum: 0.9);
        var acc = new GradientAccumulator(optSmall, 4);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            big.Forward(x).Sub(y).Square().Mean().Backward();
            optBig.Step();
            optBig.ZeroGrad();
            for (int m = 0; m < 4; m++)
            {
                bool stepped = acc.Backward(small.Forward(x.Narrow(0, 4 * m, 4)).Sub(y.Narrow(0, 4 * m, 4)).Square().Mean());
                Assert.Equal(m == 3, stepped);
            }
        }
        Assert.Equal(3, acc.OptimizerSteps);
        for (int i = 0; i < 10; i++) Assert.Equal(big.Weight.ToArray()[i], small.Weight.ToArray()[i], 5);
        Assert.Equal(big.Bias!.ToArray(), small.Bias!.ToArray(), new ToleranceComparer(1e-5f));
    }

    [Fact]
    public void ClipsAppliesTheScheduleAndFlushesTheRemainder()
    {
        var lin = new Linear(3, 1, init: new Generator(4));
        var opt = new SGD(lin.Parameters(), lr: 1.0);
        var acc = new GradientAccumulator(opt, 3, maxGradNorm: 0.01, schedule: new StepSchedule(0.5, 1, 0.5));
        var x = Tensor.Ones(2, 3).Mul(100f);
        acc.Backward(lin.Forward(x).Sum());
        acc.Backward(lin.Forward(x).Sum());
        Assert.Equal(2, acc.Pending);
        Assert.True(acc.Flush());
        Assert.Equal(0.5, opt.ParamGroups[0].Lr);
        Assert.True(acc.LastGradNorm > 100f);
        Assert.False(acc.Flush());
        Assert.All(lin.Parameters(), p => Assert.Null(p.Grad));
    }

    private sealed class ToleranceComparer : IEqualityComparer<float>
    {
        private readonly float tol;

        public ToleranceComparer(float tol) => this.tol = tol;

        public bool Equals(float a, float b) => Math.Abs(a - b) <= tol;

        public int GetHashCode(float v) => 0;
    }
}
