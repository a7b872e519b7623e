using MedFM.NN.Tests.Support;
using MedFM.Tensors;
using MedFM.TestSupport;
using MedFM.Training.Optim;
using Xunit;

namespace MedFM.Training.Tests.Optim;

/// <summary>clip_grad_norm_ / clip_grad_value_ against torch 1.13 (tests/Fixtures/training/clip.json).</summary>
public class GradClipTests
{
    public static IEnumerable<object[]> Cases => JsonFixture.CaseNames("training/clip.json", "cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ClippingMatchesTorch(string name)
    {
        var c = JsonFixture.Case(JsonFixture.Load("training/clip.json").GetProperty("cases"), name);
        var ps = c.GetProperty("grads").EnumerateArray().Select(g =>
        {
            var grad = JsonFixture.Tensor(g);
            var p = Tensor.Zeros(grad.ShapeArray()).RequireGrad();
            p.Grad = grad;
            return p;
        }).ToList();
        if (name == "value")
        {
            GradClip.ClipGradValue(ps, c.GetProperty("clip_value").GetDouble());
        }
        else
        {
            var nt = c.GetProperty("norm_type");
            double normType = nt.ValueKind == System.Text.Json.JsonValueKind.String ? double.PositiveInfinity : nt.GetDouble();
            float total = GradClip.ClipGradNorm(ps, c.GetProperty("max_norm").GetDouble(), normType);
            Assert.Equal(c.GetProperty("total_norm").GetDouble(), total, 1e-6 * Math.Abs(total));
        }
        var clipped = c.GetProperty("clipped").EnumerateArray().ToList();
        for (int i = 0; i < ps.Count; i++) TensorAssert.Close(JsonFixture.Floats(clipped[i].GetProperty("data")), ps[i].Grad!, atol: 1e-7, rtol: 1e-6);
    }

    [Fact]
    public void ParametersWithoutGradientsAreIgnoredAndNonFiniteNormsCanThrow()
    {
        var a = Tensor.Zeros(2).RequireGrad();
        var b = Tensor.Zeros(2).RequireGrad();
        b.Grad = Tensor.FromArray(new float[] { 3, 4 });
        Assert.Equal(5f, GradClip.ClipGradNorm(new[] { a, b }, 1.0));
        Assert.Equal(0.6f, b.Grad!.ToArray()[0], 6);
        Assert.Equal(0.8f, b.Grad!.ToArray()[1], 6);
        Assert.Equal(0f, GradClip.ClipGradNorm(new[] { a }, 1.0));
        b.Grad = Tensor.FromArray(new float[] { float.NaN, 1 });
        Assert.Throws<ArithmeticException>(() => GradClip.ClipGradNorm(new[] { b }, 1.0, errorIfNonfinite: true));
    }
}
