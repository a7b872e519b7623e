using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;
using MedFM.Tensors.Random;
using MedFM.Training.Losses;
using MedFM.Training.Optim;
using MedFM.Training.Schedules;
using Xunit;

namespace MedFM.Training.Tests.EndToEnd;

/// <summary>Layers, losses, optimizers and schedules together: small problems that must be learnt from a fixed seed.</summary>
public class TrainingSanityTests
{
    /// <summary>Three Gaussian blobs in 2-D, 60 points each, labels 0..2.</summary>
    private static (Tensor X, Tensor Y) Blobs()
    {
        var g = new Generator(11);
        var noise = Tensor.Randn(g, new[] { 180, 2 }, 0, 0.6f).ToArray();
        var centres = new[] { (-2f, 0f), (2f, 0f), (0f, 2.5f) };
        var x = new float[360];
        var y = new long[180];
        for (int i = 0; i < 180; i++)
        {
            int c = i % 3;
            x[2 * i] = centres[c].Item1 + noise[2 * i];
            x[2 * i + 1] = centres[c].Item2 + noise[2 * i + 1];
            y[i] = c;
        }
        return (Tensor.FromArray(x, 180, 2), Tensor.FromLongs(y, 180));
    }

    private static double Accuracy(Tensor logits, Tensor y)
    {
        var pred = logits.ArgMax(1).ToLongArray();
        var truth = y.ToLongArray();
        return pred.Zip(truth).Count(p => p.First == p.Second) / (double)truth.Length;
    }

    [Fact]
    public void MlpWithAdamWLearnsBlobs()
    {
        var (x, y) = Blobs();
        var init = new Generator(5);
        var mlp = new Sequential(new Linear(2, 32, init: init), new GELU(), new Linear(32, 3, init: init));
        var opt = new AdamW(ParamGroups.WeightDecay(mlp, 0.01), lr: 1e-2);
        var schedule = new CosineWarmupSchedule(2e-2, warmupSteps: 10, totalSteps: 150, minLr: 1e-4);
        var ce = new CrossEntropyLoss(labelSmoothing: 0.0);
        float first = 0, last = 0;
        for (int step = 0; step < 150; step++)
        {
            schedule.Apply(opt, step);
            var loss = ce.Forward(mlp.Forward(x), y);
            if (step == 0) first = loss.Item();
            last = loss.Item();
            loss.Backward();
            GradClip.ClipGradNorm(mlp.Parameters(), 1.0);
            opt.Step();
            opt.ZeroGrad();
        }
        Assert.InRange(first, 0.8, 2.0);
        Assert.True(last < 0.08, $"loss went from {first} to {last}");
        Assert.True(Accuracy(mlp.Forward(x), y) >= 0.97);
    }

    [Fact]
    public void TinyConvNetOverfitsEightImages()
    {
        var g = new Generator(21);
        var images = Tensor.Randn(g, new[] { 8, 1, 8, 8 });
        var labels = Tensor.FromLongs(new long[] { 0, 1, 2, 3, 3, 2, 1, 0 }, 8);
        var net = new Sequential(
            new Conv2d(1, 4, 3, padding: 1, init: g), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Dropout(0.0), new Linear(4 * 4 * 4, 4, init: g));
        var opt = new AdamW(net.Parameters(), lr: 2e-2, weightDecay: 1e-4);
        var ce = new CrossEntropyLoss();
        float last = float.NaN;
        for (int step = 0; step < 120; step++)
        {
            var loss = ce.Forward(net.Forward(images), labels);
            last = loss.Item();
            loss.Backward();
            opt.Step();
            opt.ZeroGrad();
        }
        Assert.True(last < 0.05, $"final loss {last}");
        Assert.Equal(1.0, Accuracy(net.Forward(images), labels));
        Assert.Equal(120f, ((BatchNorm2d)net[1]).NumBatchesTracked!.Item() - 1); // one more forward above
    }
}
