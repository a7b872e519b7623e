using MedFM.Tensors.Kernels;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>
/// Backend selection (MEDFM_BLAS values, UseBackend) and the OpenBLAS backend against the oracle. OpenBLAS is a
/// test prerequisite (scripts/prepare-testdata.sh installs libopenblas0-pthread); these tests never skip.
/// </summary>
[Collection(GemmGlobalState.Name)]
public class GemmBackendTests
{
    [Fact]
    public void SettingsMapToBackends()
    {
        Assert.Equal(GemmBackendKind.Managed, Gemm.Resolve(null));
        Assert.Equal(GemmBackendKind.Managed, Gemm.Resolve(""));
        Assert.Equal(GemmBackendKind.Managed, Gemm.Resolve("auto"));
        Assert.Equal(GemmBackendKind.Managed, Gemm.Resolve(" Managed "));
        Assert.Equal(GemmBackendKind.OpenBlas, Gemm.Resolve("openblas"));
        var e = Assert.Throws<GemmBackendException>(() => Gemm.Resolve("mkl"));
        Assert.Contains("MEDFM_BLAS='mkl'", e.Message);
        Assert.Contains("auto, managed or openblas", e.Message);
    }

    [Fact]
    public void OpenBlasIsInstalledAndNamesItsCore()
    {
        Assert.True(Gemm.OpenBlasAvailable, "libopenblas.so.0 is missing: run scripts/prepare-testdata.sh (installs libopenblas0-pthread)");
        Assert.False(string.IsNullOrEmpty(Gemm.OpenBlasCore));
    }

    [Fact]
    public void UseBackendSwitchesTheNameAndBack()
    {
        using (GemmGlobalState.Backend(GemmBackendKind.OpenBlas))
        {
            Assert.Equal("openblas", Gemm.Backend);
            Assert.Equal(GemmBackendKind.OpenBlas, Gemm.BackendKind);
        }
        using (GemmGlobalState.Managed())
        {
            Assert.Equal("managed", Gemm.Backend);
            Gemm.UseBackend("auto");
            Assert.Equal("managed", Gemm.BackendName);
        }
    }

    [Fact]
    public void UnavailableOpenBlasErrorNamesThePackage()
    {
        var e = OpenBlas.Unavailable();
        Assert.Contains("libopenblas0-pthread", e.Message);
        Assert.Contains("MEDFM_BLAS=managed", e.Message);
        Assert.Equal("gemm", e.Op);
    }

    [Fact]
    public void OpenBlasMatchesTheOracle()
    {
        using var _ = GemmGlobalState.Backend(GemmBackendKind.OpenBlas);
        int seed = 500;
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 17, 5), (65, 63, 130), (257, 130, 65), (5, 7, 0) })
        foreach (var (alpha, beta) in new[] { (1f, 0f), (-0.5f, 1.25f), (0f, 0.5f) })
        {
            var g = new GemmCase(seed++, ta, tb, m, n, k, alpha, beta, pad: 2);
            g.Check(g.RunPublic(), "openblas");
        }
    }

    [Fact]
    public void BothBackendsAgree()
    {
        var g = new GemmCase(77, false, true, 300, 200, 400, alpha: 1f, beta: 0f, pad: 1);
        float[] managed, openblas;
        using (GemmGlobalState.Managed()) managed = g.RunPublic();
        using (GemmGlobalState.Backend(GemmBackendKind.OpenBlas)) openblas = g.RunPublic();
        g.Check(managed, "managed");
        g.Check(openblas, "openblas");
        double scale = 0, err = 0;
        for (int i = 0; i < g.M; i++)
        for (int j = 0; j < g.N; j++)
        {
            scale = Math.Max(scale, Math.Abs(openblas[i * g.Ldc + j]));
            err = Math.Max(err, Math.Abs(openblas[i * g.Ldc + j] - managed[i * g.Ldc + j]));
        }
        Assert.True(err <= 1e-5 * scale, $"max difference {err} at scale {scale}");
    }
}
