using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Random;
using MedFM.Training.Optim;
using Xunit;

namespace MedFM.Training.Tests.Optim;

/// <summary>A model packed for inference, then trained or reloaded: inference must see the new weights.</summary>
public class PrepackedTrainingTests
{
    private static Sequential Mlp(Generator g) =>
        new(new Linear(64, 256, init: g), new GELU(), new Linear(256, 48, init: g), new ReLU(), new Linear(48, 10, bias: false, init: g));

    [Fact]
    public void AnOptimizerStepAndALoadedStateDictReachThePackedModel()
    {
        var g = new Generator(4);
        var model = Mlp(g);
        var reference = Mlp(new Generator(4));
        model.PrepackForInference();
        var x = Tensor.Randn(g, new[] { 40, 64 });

        // One SGD step with gradients recorded (packs ignored), then inference reads the updated weights.
        var opt = new SGD(model.Parameters(), lr: 0.1);
        model.Forward(x).Square().Mean().Backward();
        opt.Step();
        var refOpt = new SGD(reference.Parameters(), lr: 0.1);
        reference.Forward(x).Square().Mean().Backward();
        refOpt.Step();
        using (GradMode.Disable()) Assert.Equal(reference.Forward(x).ToArray(), model.Forward(x).ToArray());
        var first = (Linear)model.NamedModules().First(m => m.Module is Linear).Module;
        Assert.Equal(1, first.Pack!.Repacks); // the step wrote the weight; inference packed it again

        var other = Mlp(new Generator(99));
        model.LoadStateDict(other.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value));
        using (GradMode.Disable()) Assert.Equal(other.Forward(x).ToArray(), model.Forward(x).ToArray());
        Assert.Equal(2, first.Pack!.Repacks);
    }
}
