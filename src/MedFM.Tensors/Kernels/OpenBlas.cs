using System.Runtime.InteropServices;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// The optional OpenBLAS backend: libopenblas.so.0 loaded with <see cref="NativeLibrary.TryLoad(string, out nint)"/>
/// on first use, cblas_sgemm called row-major, openblas_set_num_threads kept equal to the engine's thread count.
/// Nothing here is needed to build or run MedFM; Debian's libopenblas0-pthread (or -openmp) provides the library.
/// </summary>
internal static unsafe class OpenBlas
{
    public const string Package = "libopenblas0-pthread";

    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly string[] LibraryNames =
        { "libopenblas.so.0", "libopenblas.so", "libopenblas.0.dylib", "libopenblas.dylib", "libopenblas.dll", "openblas" };

    private static readonly object Gate = new();
    private static int state; // 0 not tried, 1 loaded, 2 failed
    private static string? loadError;
    private static delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm;
    private static delegate* unmanaged<int, void> setNumThreads;
    private static delegate* unmanaged<byte*> getCoreName;
    private static int threadsSet = -1;

    /// <summary>Whether libopenblas could be loaded (tries once).</summary>
    public static bool IsAvailable => EnsureLoaded();

    /// <summary>Why loading failed (null when it worked or was not tried).</summary>
    public static string? LoadError => loadError;

    /// <summary>The kernel family OpenBLAS picked for this CPU (e.g. "Haswell"), or null.</summary>
    public static string? CoreName =>
        EnsureLoaded() && getCoreName != null ? Marshal.PtrToStringUTF8((nint)getCoreName()) : null;

    /// <summary>C = alpha·op(A)·op(B) + beta·C via cblas_sgemm; m, n, k ≥ 1 and leading dimensions already validated.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc, int threads)
    {
        if (!EnsureLoaded()) throw Unavailable();
        if (threads != Volatile.Read(ref threadsSet) && setNumThreads != null)
        {
            setNumThreads(threads);
            Volatile.Write(ref threadsSet, threads);
        }
        sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    public static GemmBackendException Unavailable() => new(
        $"OpenBLAS was requested but libopenblas.so.0 could not be loaded ({loadError ?? "not found"}); " +
        $"install Debian's {Package} (or libopenblas0-openmp), or set MEDFM_BLAS=managed");

    private static bool EnsureLoaded()
    {
        if (Volatile.Read(ref state) != 0) return state == 1;
        lock (Gate)
        {
            if (state != 0) return state == 1;
            state = Load() ? 1 : 2;
            return state == 1;
        }
    }

    private static bool Load()
    {
        nint handle = 0;
        foreach (var name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, out handle)) break;
        }
        if (handle == 0)
        {
            loadError = $"none of {string.Join(", ", LibraryNames)} was found";
            return false;
        }
        if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint gemm))
        {
            loadError = "the library has no cblas_sgemm export";
            return false;
        }
        sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)gemm;
        if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out nint set))
            setNumThreads = (delegate* unmanaged<int, void>)set;
        if (NativeLibrary.TryGetExport(handle, "openblas_get_corename", out nint core))
            getCoreName = (delegate* unmanaged<byte*>)core;
        return true;
    }
}
