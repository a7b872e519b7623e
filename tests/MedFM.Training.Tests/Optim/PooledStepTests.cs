using MedFM.Models.Vit;
using MedFM.Tensors;
using MedFM.Tensors.Memory;
using MedFM.Training.Losses;
using MedFM.Training.Optim;
using Xunit;

namespace MedFM.Training.Tests.Optim;

[Collection(DefaultGeneratorCollection.Name)]
public class PooledStepTests
{
    private static readonly VitConfig Tiny = new()
    {
        ImgSize = 32, PatchSize = 8, EmbedDim = 32, Depth = 2, NumHeads = 2, NumClasses = 5, DropRate = 0.1, DropPathRate = 0.1,
    };

    [Fact]
    public void PooledStepsTrainExactlyAsPlainStepsAndReuseTheirBuffers()
    {
        var images = Tensor.Randn(new MedFM.Tensors.Random.Generator(1), new[] { 4, 3, 32, 32 });
        var labels = Tensor.FromLongs(new long[] { 0, 3, 1, 4 }, 4);
        var (plainLosses, plainParams) = Train(images, labels, null);
        var pool = new BufferPool();
        var (pooledLosses, pooledParams) = Train(images, labels, pool);
        Assert.Equal(plainLosses, pooledLosses);
        Assert.True(plainLosses[^1] < plainLosses[0], "the loss falls over the steps");
        Assert.Equal(plainParams.Length, pooledParams.Length);
        for (int i = 0; i < plainParams.Length; i++) Assert.Equal(plainParams[i], pooledParams[i]);
        Assert.True(pool.Hits > pool.Misses, $"after the first step buffers come back from the pool (hits {pool.Hits}, misses {pool.Misses})");
    }

    [Fact]
    public void TheBackwardReusesBuffersItHasFinishedWith()
    {
        // Eight 256-wide layers: the forward keeps 16 activations of 64 rows for the backward; the backward makes as
        // many gradients again, and a weight gradient per layer. Released as soon as nothing can read them (as
        // PyTorch frees them), they reuse the buffers of activations already consumed.
        var g = new MedFM.Tensors.Random.Generator(3);
        var layers = Enumerable.Range(0, 8).Select(_ => new MedFM.NN.Layers.Linear(256, 256, init: g)).ToList();
        var parameters = layers.SelectMany(l => l.Parameters()).ToList();
        var x = Tensor.Randn(g, new[] { 64, 256 });
        Tensor Forward()
        {
            var h = x;
            foreach (var l in layers) h = l.Forward(h).Relu();
            return h.Square().Mean();
        }
        var forwardOnly = new BufferPool();
        using (TensorScope.BeginRecording(forwardOnly)) Forward();
        var step = new BufferPool();
        PooledStep.Backward(step, Forward, parameters);
        long activations = 16L * 64 * 256 * sizeof(float);
        Assert.True(forwardOnly.RetainedBytes >= activations, $"forward {forwardOnly.RetainedBytes} B");
        // Kept without early release: every gradient, some 3 MB more than the forward. Released early: about one
        // weight gradient in flight (a copy goes to the parameter) and a few activation gradients.
        Assert.True(step.RetainedBytes <= forwardOnly.RetainedBytes + 2L * 256 * 256 * sizeof(float),
            $"step {step.RetainedBytes} B against forward {forwardOnly.RetainedBytes} B");
        Assert.All(parameters, p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void ALossThatIsNotAScalarIsRefused()
    {
        var p = Tensor.Ones(3).RequireGrad();
        Assert.Throws<ArgumentException>(() => PooledStep.Backward(new BufferPool(), () => p.Mul(2f), new[] { p }));
    }

    /// <summary>Five AdamW steps from a fixed initialisation, with dropout and drop-path drawn from a fixed seed.</summary>
    private static (double[] Losses, float[][] Params) Train(Tensor images, Tensor labels, BufferPool? pool)
    {
        var init = new MedFM.Tensors.Random.Generator(7);
        var model = new VisionTransformer(Tiny);
        foreach (var p in model.Parameters()) Tensor.Randn(init, p.ShapeArray()).Mul(0.2f).Span.CopyTo(p.Span);
        model.Train();
        var opt = new AdamW(model.Parameters(), lr: 1e-2);
        var ce = new CrossEntropyLoss();
        var losses = new List<double>();
        MedFM.Tensors.Random.Generator.ManualSeed(11);
        for (int step = 0; step < 5; step++)
        {
            opt.ZeroGrad();
            if (pool is null)
            {
                var loss = ce.Forward(model.Forward(images), labels);
                loss.Backward();
                losses.Add(loss.Item());
            }
            else
            {
                losses.Add(PooledStep.Backward(pool, () => ce.Forward(model.Forward(images), labels), model.Parameters()));
            }
            opt.Step();
        }
        return (losses.ToArray(), model.Parameters().Select(p => p.ToArray()).ToArray());
    }
}
