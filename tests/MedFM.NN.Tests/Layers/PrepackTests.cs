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
}
