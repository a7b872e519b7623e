using MedFM.NN.Layers;
using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Random;
using Xunit;

namespace MedFM.NN.Tests.Layers;

/// <summary>Packing a model's linear weights for inference: same outputs, memory reported, packs follow weight changes.</summary>
public class PrepackTests
{
    private static Sequential Mlp(Generator g) =>
        new(new Linear(64, 256, init: g), new GELU(), new Linear(256, 48, init: g), new ReLU(), new Linear(48, 10, bias: false, init: g));

    [Fact]
    public void PackedModelGivesTheSameOutputsAndReportsItsBytes()
    {
        var g = new Generator(3);
        var model = Mlp(g);
        model.Eval();
        var x = Tensor.Randn(g, new[] { 37, 64 });
        float[] plain;
        using (GradMode.Disable()) plain = model.Forward(x).ToArray();

        long bytes = model.PrepackForInference();
        var linears = model.NamedModules().Select(m => m.Module).OfType<Linear>().ToList();
        Assert.All(linears, l => Assert.NotNull(l.Pack));
        Assert.Equal(linears.Sum(l => l.Pack!.Bytes), bytes);
        Assert.True(bytes >= (64 * 256 + 256 * 48 + 48 * 10) * 4L);
        using (GradMode.Disable()) Assert.Equal(plain, model.Forward(x).ToArray());

        model.ReleasePrepacked();
        Assert.All(linears, l => Assert.Null(l.Pack));
        using (GradMode.Disable()) Assert.Equal(plain, model.Forward(x).ToArray());
    }

    [Fact]
    public void ReleasedWeightsLeaveOutputsStateDictAndTrainingUnchanged()
    {
        var g = new Generator(9);
        var model = Mlp(g);
        var twin = Mlp(new Generator(9));
        model.Eval();
        twin.Eval();
        var x = Tensor.Randn(g, new[] { 37, 64 });
        float[] plain;
        using (GradMode.Disable()) plain = twin.Forward(x).ToArray();

        model.PrepackForInference(releaseWeights: true);
        var linears = model.NamedModules().Select(m => m.Module).OfType<Linear>().ToList();
        Assert.All(linears, l => Assert.True(l.Pack!.WeightReleased));
        using (GradMode.Disable()) Assert.Equal(plain, model.Forward(x).ToArray());
        Assert.All(linears, l => Assert.True(l.Pack!.WeightReleased));

        // A state dict reads every weight back, exactly.
        var sd = model.StateDict().ToDictionary(e => e.Key, e => e.Value);
        foreach (var (key, value) in twin.StateDict()) Assert.Equal(value.ToArray(), sd[key].ToArray());

        // Training after release: the same step as the twin's.
        model.PrepackForInference(releaseWeights: true);
        model.Train();
        twin.Train();
        foreach (var m in new[] { model, twin })
        {
            m.Forward(x).Square().Mean().Backward();
            foreach (var p in m.Parameters())
            {
                var grad = p.Grad!.ToArray();
                var data = p.Span;
                for (int i = 0; i < data.Length; i++) data[i] -= 0.1f * grad[i];
            }
        }
        model.Eval();
        twin.Eval();
        using (GradMode.Disable()) Assert.Equal(twin.Forward(x).ToArray(), model.Forward(x).ToArray());

        model.PrepackForInference(releaseWeights: true);
        model.ReleasePrepacked();
        Assert.All(linears, l => Assert.Null(l.Pack));
        var trained = model.StateDict().ToDictionary(e => e.Key, e => e.Value);
        foreach (var (key, value) in twin.StateDict()) Assert.Equal(value.ToArray(), trained[key].ToArray());
    }
}
