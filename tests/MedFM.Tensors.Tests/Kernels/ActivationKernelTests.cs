using MedFM.Tensors.Kernels;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>The fused activation kernels (forward and backward maps) against double-precision formulas.</summary>
public class ActivationKernelTests
{
    private const double K = 0.7978845608028654, C = 0.044715;

    private static float[] Grid(double lo, double hi, double step)
    {
        var list = new List<float>();
        for (double x = lo; x <= hi; x += step) list.Add((float)x);
        return list.ToArray();
    }

    private static double Phi(double x) => ErfOracle.NormalCdf(x);

    private static double Sigma(double x) => 1 / (1 + Math.Exp(-x));

    public static TheoryData<string> Maps => new() { "gelu", "gelu_backward", "gelu_tanh", "gelu_tanh_backward", "erf", "silu_backward" };

    private static (Action<float[], float[], float[]> Run, Func<double, double> Expected) Case(string name) => name switch
    {
        "gelu" => ((x, g, d) => VecMap.Run<Activations.Gelu>(x, d), x => x * Phi(x)),
        "gelu_backward" => ((x, g, d) => VecMap.Run<Activations.GeluBackward>(x, g, d), x => Phi(x) + x * Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI)),
        "gelu_tanh" => ((x, g, d) => VecMap.Run<Activations.GeluTanh>(x, d), x => x * Sigma(2 * K * (x + C * x * x * x))),
        "gelu_tanh_backward" => ((x, g, d) => VecMap.Run<Activations.GeluTanhBackward>(x, g, d), x =>
        {
            double s = Sigma(2 * K * (x + C * x * x * x)), rest = Sigma(-2 * K * (x + C * x * x * x));
            return s + 2 * x * s * rest * K * (1 + 3 * C * x * x);
        }),
        "erf" => ((x, g, d) => VecMap.Run<Activations.Erf>(x, d), x => ErfOracle.Erf(x)),
        "silu_backward" => ((x, g, d) => VecMap.Run<Activations.SiluBackward>(x, g, d), x => Sigma(x) * (1 + x * Sigma(-x))),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Maps))]
    public void MatchesDoublePrecision(string name)
    {
        var (run, expected) = Case(name);
        var x = Grid(-12, 12, 0.00391);
        var g = new float[x.Length];
        Array.Fill(g, 1f);
        var d = new float[x.Length];
        run(x, g, d);
        for (int i = 0; i < x.Length; i++)
        {
            double e = expected(x[i]);
            Assert.True(Math.Abs(d[i] - e) <= 1.5e-7 * (1 + Math.Abs(x[i])), $"{name}({x[i]:G9}) = {d[i]:G9}, expected {e:G9}");
        }
    }

    [Theory]
    [MemberData(nameof(Maps))]
    public void UpstreamGradientScalesTheResult(string name)
    {
        if (!name.EndsWith("backward", StringComparison.Ordinal)) return;
        var (run, expected) = Case(name);
        var x = Grid(-4, 4, 0.37);
        var g = x.Select((v, i) => (float)(i % 7 - 3) * 0.5f).ToArray();
        var d = new float[x.Length];
        run(x, g, d);
        for (int i = 0; i < x.Length; i++) Assert.Equal(g[i] * expected(x[i]), d[i], 3e-7 * (1 + Math.Abs(x[i])));
    }

    /// <summary>The partial last vector goes through the same formula: results do not depend on position or length.</summary>
    [Theory]
    [MemberData(nameof(Maps))]
    public void TailElementsEqualTheirVectorLaneResults(string name)
    {
        var (run, _) = Case(name);
        var x = Grid(-3, 3, 0.161);
        var g = x.Select(v => 1f - v * 0.25f).ToArray();
        var full = new float[x.Length];
        run(x, g, full);
        for (int len = 1; len <= 19; len++)
        {
            var d = new float[len];
            int start = x.Length - len;
            run(x[start..], g[start..], d);
            for (int i = 0; i < len; i++) Assert.Equal(full[start + i], d[i]);
        }
    }

    [Fact]
    public void SigmoidAndTanhBackwardFromOutputs()
    {
        var y = Grid(-0.999, 0.999, 0.0173);
        var g = y.Select((v, i) => 0.3f + (i % 5)).ToArray();
        var d = new float[y.Length];
        VecMap.Run<Activations.TanhBackward>(y, g, d);
        for (int i = 0; i < y.Length; i++) Assert.Equal(g[i] * (1 - (double)y[i] * y[i]), d[i], 2e-6);
        var p = y.Select(v => (v + 1) / 2).ToArray();
        VecMap.Run<Activations.SigmoidBackward>(p, g, d);
        for (int i = 0; i < p.Length; i++) Assert.Equal(g[i] * (double)p[i] * (1 - p[i]), d[i], 2e-6);
    }

    [Fact]
    public void UnaryOpsUseTheVectorKernelsAndKeepTheScalarOracle()
    {
        var x = Grid(-5, 5, 0.0517);
        var d = new float[x.Length];
        GeluOp.Vec(x, d);
        for (int i = 0; i < x.Length; i++) Assert.Equal(GeluOp.Apply(x[i]), d[i], 3e-7 * (1 + Math.Abs(x[i])));
        GeluTanhOp.Vec(x, d);
        for (int i = 0; i < x.Length; i++) Assert.Equal(GeluTanhOp.Apply(x[i]), d[i], 3e-7 * (1 + Math.Abs(x[i])));
        ErfOp.Vec(x, d);
        for (int i = 0; i < x.Length; i++) Assert.Equal(ErfOp.Apply(x[i]), d[i], 3e-7);
    }

    /// <summary>As PyTorch 1.13 prints for F.gelu / torch.erf of [−∞, ∞, NaN]: gelu gives [nan, inf, nan] (−∞·0).</summary>
    [Fact]
    public void NonFiniteInputs()
    {
        var x = new[] { float.NegativeInfinity, float.PositiveInfinity, float.NaN };
        var d = new float[3];
        VecMap.Run<Activations.Gelu>(x, d);
        Assert.True(float.IsNaN(d[0]));
        Assert.Equal(float.PositiveInfinity, d[1]);
        Assert.True(float.IsNaN(d[2]));
        VecMap.Run<Activations.GeluTanh>(x, d);
        Assert.True(float.IsNaN(d[0]));
        Assert.Equal(float.PositiveInfinity, d[1]);
        Assert.True(float.IsNaN(d[2]));
        VecMap.Run<Activations.Erf>(x, d);
        Assert.Equal(new[] { -1f, 1f }, d[..2]);
        Assert.True(float.IsNaN(d[2]));
    }
}
