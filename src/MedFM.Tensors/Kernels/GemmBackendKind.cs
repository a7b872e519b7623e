namespace MedFM.Tensors.Kernels;

/// <summary>Which implementation runs <see cref="Gemm.Sgemm"/>.</summary>
public enum GemmBackendKind
{
    /// <summary>The managed packed AVX2/FMA (or portable Vector&lt;float&gt;) GEMM on the engine's thread team.</summary>
    Managed,

    /// <summary>OpenBLAS's cblas_sgemm from libopenblas.so.0, found at run time (Debian: libopenblas0-pthread).</summary>
    OpenBlas,
}
