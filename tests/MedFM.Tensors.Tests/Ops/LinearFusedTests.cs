using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Kernels;
using MedFM.Tensors.Random;
using MedFM.Tensors.Tests.Kernels;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>
/// Linear with its bias and GELU applied inside the GEMM (per tile, after the last KC block) against the same
/// computation done in separate passes: a double-precision product, then + bias, then the scalar GELU formula.
/// </summary>
[Collection(GemmGlobalState.Name)]
public class LinearFusedTests
{
    // rows × in → out: the small path, one KC block, several KC blocks (epilogue must wait for the last), edge tiles.
    public static TheoryData<int, int, int> Shapes => new() { { 3, 5, 7 }, { 197, 64, 100 }, { 50, 600, 70 }, { 131, 300, 333 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BiasAndGeluMatchSeparatePasses(int rows, int inF, int outF)
    {
        var g = new Generator((ulong)(rows + inF + outF));
        var x = Tensor.Randn(g, new[] { rows, inF });
        var w = Tensor.Randn(g, new[] { outF, inF }).Mul(1f / MathF.Sqrt(inF));
        var b = Tensor.Randn(g, new[] { outF });
        foreach (var backend in Backends())
        using (GemmGlobalState.Backend(backend))
        {
            TensorAssert.Close(Expected(x, w, b, null), Tensor.Linear(x, w, b), 2e-5, 2e-5);
            TensorAssert.Close(Expected(x, w, null, null), Tensor.Linear(x, w), 2e-5, 2e-5);
            TensorAssert.Close(Expected(x, w, b, "none"), Tensor.LinearGelu(x, w, b), 2e-5, 2e-5);
            TensorAssert.Close(Expected(x, w, b, "tanh"), Tensor.LinearGelu(x, w, b, "tanh"), 2e-5, 2e-5);
            TensorAssert.Close(Expected(x, w, null, "none"), Tensor.LinearGelu(x, w), 2e-5, 2e-5);
        }
    }

    [Fact]
    public void FusedGeluEqualsLinearThenGeluOnBothKernels()
    {
        var g = new Generator(9);
        var x = Tensor.Randn(g, new[] { 2, 99, 96 });
        var w = Tensor.Randn(g, new[] { 384, 96 }).Mul(0.1f);
        var b = Tensor.Randn(g, new[] { 384 });
        using var _ = GemmGlobalState.Managed();
        var wide = Tensor.LinearGelu(x, w, b);
        Tensor narrow;
        using (GemmGlobalState.Avx2()) narrow = Tensor.LinearGelu(x, w, b);
        Assert.Equal(new[] { 2, 99, 384 }, wide.Shape.ToArray());
        Assert.Equal(wide.ToArray(), narrow.ToArray());
        // The same elementwise GELU kernel runs on the same sums, tile by tile or in one pass afterwards.
        Assert.Equal(Tensor.Linear(x, w, b).Gelu().ToArray(), wide.ToArray());
    }

    [Fact]
    public void WithGradientsItIsLinearThenGeluWithTheirBackward()
    {
        var g = new Generator(11);
        var x = Tensor.Randn(g, new[] { 4, 6 }).RequireGrad();
        var w = Tensor.Randn(g, new[] { 5, 6 }).RequireGrad();
        var b = Tensor.Randn(g, new[] { 5 }).RequireGrad();
        Tensor.LinearGelu(x, w, b).Sum().Backward();
        var gx = x.Grad!.ToArray();
        var gw = w.Grad!.ToArray();
        var x2 = x.Detach().Clone().RequireGrad();
        var w2 = w.Detach().Clone().RequireGrad();
        var b2 = b.Detach().Clone().RequireGrad();
        Tensor.Linear(x2, w2, b2).Gelu().Sum().Backward();
        Assert.Equal(x2.Grad!.ToArray(), gx);
        Assert.Equal(w2.Grad!.ToArray(), gw);
        using (GradMode.Disable()) Assert.False(Tensor.LinearGelu(x, w, b).RequiresGrad);
    }

    [Fact]
    public void BadApproximationIsRefused() =>
        Assert.Throws<TensorException>(() => Tensor.LinearGelu(Tensor.Zeros(2, 3), Tensor.Zeros(4, 3), null, "fast"));

    private static IEnumerable<GemmBackendKind> Backends() =>
        Gemm.OpenBlasAvailable ? new[] { GemmBackendKind.Managed, GemmBackendKind.OpenBlas } : new[] { GemmBackendKind.Managed };

    /// <summary>x Wᵀ in double, + bias, then GELU by its scalar definition (erf form through the double-precision Erf).</summary>
    private static float[] Expected(Tensor x, Tensor w, Tensor? b, string? gelu)
    {
        int rows = x.Size(0), inF = x.Size(1), outF = w.Size(0);
        var xa = x.ToArray();
        var wa = w.ToArray();
        var ba = b?.ToArray();
        var y = new float[rows * outF];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < outF; j++)
        {
            double s = ba?[j] ?? 0;
            for (int p = 0; p < inF; p++) s += (double)xa[i * inF + p] * wa[j * inF + p];
            y[i * outF + j] = (float)(gelu switch
            {
                "none" => 0.5 * s * (1 + Erf.Compute(s / Math.Sqrt(2))),
                "tanh" => 0.5 * s * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (s + 0.044715 * s * s * s))),
                _ => s,
            });
        }
        return y;
    }
}
