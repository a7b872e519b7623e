using System.Runtime.Intrinsics.X86;
using MedFM.Tensors.Kernels;
using MedFM.Tensors.Parallel;

namespace MedFM.Tensors;

/// <summary>What the engine runs on: SIMD level, GEMM backend, threads. Shown by `medfm info`.</summary>
public static class EngineInfo
{
    public static string SimdLevel =>
        Avx2.IsSupported && Fma.IsSupported ? "AVX2+FMA"
        : Avx.IsSupported ? "AVX"
        : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "Vector128"
        : "scalar";

    public static string GemmBackend => Gemm.BackendName;

    public static int Threads => ThreadTeam.Default.Threads;

    public static string Version => typeof(EngineInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static IReadOnlyList<(string Key, string Value)> Describe() => new[]
    {
        ("version", Version),
        ("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription),
        ("os", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier),
        ("simd", SimdLevel),
        ("gemm", GemmBackend),
        ("threads", Threads.ToString()),
    };
}
