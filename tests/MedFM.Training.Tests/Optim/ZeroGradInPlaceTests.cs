using MedFM.NN.Layers;
using MedFM.Tensors;
using MedFM.Tensors.Random;
using MedFM.Training.Optim;
using Xunit;

namespace MedFM.Training.Tests.Optim;

/// <summary>ZeroGrad(setToNone: false), torch 1.x's default: gradients zeroed in place and accumulated into the same buffers.</summary>
public class ZeroGradInPlaceTests
{
    private static (float[] Params, Tensor[] GradsSeen) Train(bool setToNone)
    {
        var g = new Generator(21);
        var model = new Sequential(new Linear(16, 32, init: g), new ReLU(), new Linear(32, 4, init: g));
        var x = Tensor.Randn(new Generator(22), new[] { 8, 16 });
        var parameters = model.Parameters().ToList();
        var opt = new AdamW(parameters, lr: 1e-2, weightDecay: 0.01);
        var seen = new List<Tensor>();
        for (int step = 0; step < 4; step++)
        {
            opt.ZeroGrad(setToNone);
            model.Forward(x).Square().Mean().Backward();
            seen.Add(parameters[0].Grad!);
            opt.Step();
        }
        return (parameters.SelectMany(p => p.ToArray()).ToArray(), seen.ToArray());
    }

    [Fact]
    public void InPlaceZeroingTrainsExactlyAsSettingToNoneAndReusesTheBuffers()
    {
        var (none, noneGrads) = Train(setToNone: true);
        var (inPlace, inPlaceGrads) = Train(setToNone: false);
        Assert.Equal(none, inPlace);
        Assert.All(inPlaceGrads, t => Assert.Same(inPlaceGrads[0], t));
        Assert.NotSame(noneGrads[0], noneGrads[1]);
    }

    [Fact]
    public void BackwardAddsIntoAnExistingGradient()
    {
        var w = Tensor.FromArray(new[] { 1f, 2f, 3f }).RequireGrad();
        w.Mul(2f).Sum().Backward();
        var first = w.Grad!;
        w.Mul(w).Sum().Backward();                       // d/dw Σ w² = 2w
        Assert.Same(first, w.Grad);
        Assert.Equal(new[] { 4f, 6f, 8f }, w.Grad!.ToArray());
    }
}
