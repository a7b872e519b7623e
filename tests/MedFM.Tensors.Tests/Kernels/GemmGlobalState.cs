using MedFM.Tensors.Kernels;
using Xunit;

namespace MedFM.Tensors.Tests.Kernels;

/// <summary>
/// Tests that switch process-wide GEMM settings (backend, forced portable kernel) share this collection, so they
/// never run at the same time as each other; each switch is undone when its scope ends.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GemmGlobalState
{
    public const string Name = "GEMM global state";

    /// <summary>Selects the managed backend for the scope.</summary>
    public static IDisposable Managed() => Backend(GemmBackendKind.Managed);

    public static IDisposable Backend(GemmBackendKind kind)
    {
        var saved = Gemm.BackendKind;
        Gemm.UseBackend(kind);
        return new Restore(() => Gemm.UseBackend(saved));
    }

    /// <summary>Forces the portable Vector&lt;float&gt; kernel for the scope.</summary>
    public static IDisposable Portable()
    {
        GemmKernels.ForcePortable = true;
        return new Restore(() => GemmKernels.ForcePortable = false);
    }

    /// <summary>Caps the kernel at AVX2 for the scope (a CPU with AVX-512 otherwise takes the wider kernel).</summary>
    public static IDisposable Avx2()
    {
        GemmKernels.ForceAvx2 = true;
        return new Restore(() => GemmKernels.ForceAvx2 = false);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
