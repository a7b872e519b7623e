using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using Xunit;

namespace MedFM.Tensors.Tests.Autograd;

public class AutogradTests
{
    [Fact]
    public void HandWorkedChainRule()
    {
        // f = sum((a * b + a)^2) with a = [1, 2], b = [3, -1]: df/da = 2(ab + a)(b + 1), df/db = 2(ab + a) a
        var a = Tensor.FromArray(new float[] { 1, 2 }).RequireGrad();
        var b = Tensor.FromArray(new float[] { 3, -1 }).RequireGrad();
        var f = (a * b + a).Square().Sum();
        f.Backward();
        Assert.Equal(new float[] { 32, 0 }, a.Grad!.ToArray());
        Assert.Equal(new float[] { 8, 0 }, b.Grad!.ToArray());
    }

    [Fact]
    public void GradientsAccumulateAcrossUsesAndCalls()
    {
        var x = Tensor.FromArray(new float[] { 2 }).RequireGrad();
        (x * x + x).Sum().Backward();
        Assert.Equal(5f, x.Grad!.Item());
        (x * 3f).Sum().Backward();
        Assert.Equal(8f, x.Grad!.Item());
        x.ZeroGrad();
        Assert.Null(x.Grad);
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        var x = Tensor.Ones(3).RequireGrad();
        Tensor y;
        using (GradMode.Disable()) y = x * 2f;
        Assert.Null(y.GradFn);
        Assert.False(y.RequiresGrad);
        Assert.Throws<AutogradException>(() => y.Sum().Backward());
    }

    [Fact]
    public void NonScalarBackwardNeedsAGradient()
    {
        var x = Tensor.Ones(3).RequireGrad();
        var y = x * 2f;
        Assert.Throws<AutogradException>(() => y.Backward());
        y.Backward(Tensor.FromArray(new float[] { 1, 2, 3 }));
        Assert.Equal(new float[] { 2, 4, 6 }, x.Grad!.ToArray());
    }

    [Fact]
    public void RetainGradKeepsIntermediateGradient()
    {
        var x = Tensor.FromArray(new float[] { 1, 2 }).RequireGrad();
        var h = (x * 3f).RetainGrad();
        h.Square().Sum().Backward();
        Assert.Equal(new float[] { 6, 12 }, h.Grad!.ToArray());
        Assert.Equal(new float[] { 18, 36 }, x.Grad!.ToArray());
    }

    [Fact]
    public void DeepChainDoesNotOverflowTheStack()
    {
        var x = Tensor.Ones(1).RequireGrad();
        var y = x;
        for (int i = 0; i < 20000; i++) y = y + 0f;
        y.Sum().Backward();
        Assert.Equal(1f, x.Grad!.Item());
    }

    [Fact]
    public void DetachCutsTheGraph()
    {
        var x = Tensor.Ones(2).RequireGrad();
        var y = (x * 2f).Detach() * x;
        y.Sum().Backward();
        Assert.Equal(new float[] { 2, 2 }, x.Grad!.ToArray());
    }

    [Fact]
    public void Int64TensorsCannotRequireGrad()
    {
        Assert.Throws<TensorDTypeException>(() => Tensor.FromLongs(new long[] { 1 }).RequiresGrad = true);
    }
}
