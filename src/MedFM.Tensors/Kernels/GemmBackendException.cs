namespace MedFM.Tensors.Kernels;

/// <summary>A GEMM backend that cannot be used: an unknown MEDFM_BLAS value, or OpenBLAS asked for but not loadable.</summary>
public sealed class GemmBackendException : TensorException
{
    public GemmBackendException(string message) : base("gemm", message) { }
}
