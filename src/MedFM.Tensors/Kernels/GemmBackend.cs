namespace MedFM.Tensors.Kernels;

/// <summary>
/// Backend selection. MEDFM_BLAS = auto | managed | openblas, read on first use; <see cref="UseBackend(GemmBackendKind)"/>
/// overrides it in code. "auto" is the managed GEMM: on the machine of record it is as fast as OpenBLAS 0.3.21
/// (bench/MedFM.Bench.Kernels, `gemm`), needs no native library, and gives the same result whatever the thread
/// count. "openblas" fails with a <see cref="GemmBackendException"/> naming the Debian package when libopenblas.so.0
/// cannot be loaded.
/// </summary>
public static partial class Gemm
{
    /// <summary>The environment variable that picks the backend.</summary>
    public const string BackendVariable = "MEDFM_BLAS";

    private static int backend = -1; // -1: not resolved yet, else a GemmBackendKind

    /// <summary>The backend in use (resolves MEDFM_BLAS on first use).</summary>
    public static GemmBackendKind BackendKind
    {
        get
        {
            int b = Volatile.Read(ref backend);
            if (b < 0)
            {
                b = (int)Resolve(Environment.GetEnvironmentVariable(BackendVariable));
                Interlocked.CompareExchange(ref backend, b, -1);
                b = backend;
            }
            return (GemmBackendKind)b;
        }
    }

    /// <summary>The backend's name: "managed" or "openblas".</summary>
    public static string Backend => Name(BackendKind);

    /// <summary>The same as <see cref="Backend"/> (shown by EngineInfo).</summary>
    public static string BackendName => Backend;

    /// <summary>The managed micro-kernel chosen for this CPU: "AVX2+FMA", "Vector128", "Vector256" or "scalar".</summary>
    public static string SimdLevel => GemmKernels.Name;

    /// <summary>Whether libopenblas.so.0 can be loaded here.</summary>
    public static bool OpenBlasAvailable => OpenBlas.IsAvailable;

    /// <summary>OpenBLAS's kernel family for this CPU (e.g. "Haswell"), or null when it is not available.</summary>
    public static string? OpenBlasCore => OpenBlas.CoreName;

    /// <summary>Switches every later GEMM to <paramref name="kind"/>; OpenBLAS must be loadable.</summary>
    public static void UseBackend(GemmBackendKind kind)
    {
        if (kind == GemmBackendKind.OpenBlas && !OpenBlas.IsAvailable) throw OpenBlas.Unavailable();
        if (kind is not (GemmBackendKind.Managed or GemmBackendKind.OpenBlas))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown GEMM backend");
        Volatile.Write(ref backend, (int)kind);
    }

    /// <summary>Switches backend by name, as MEDFM_BLAS does: "auto", "managed" or "openblas".</summary>
    public static void UseBackend(string name) => UseBackend(Resolve(name));

    /// <summary>Maps a MEDFM_BLAS value to a backend: empty or "auto" → managed; "openblas" must be loadable.</summary>
    internal static GemmBackendKind Resolve(string? setting)
    {
        var s = setting?.Trim().ToLowerInvariant();
        switch (s)
        {
            case null or "" or "auto" or "managed":
                return GemmBackendKind.Managed;
            case "openblas":
                if (!OpenBlas.IsAvailable) throw OpenBlas.Unavailable();
                return GemmBackendKind.OpenBlas;
            default:
                throw new GemmBackendException($"{BackendVariable}='{setting}' is not a GEMM backend; use auto, managed or openblas");
        }
    }

    private static string Name(GemmBackendKind kind) => kind == GemmBackendKind.OpenBlas ? "openblas" : "managed";
}
