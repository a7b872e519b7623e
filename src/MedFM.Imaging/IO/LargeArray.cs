using System.Runtime.InteropServices;

namespace MedFM.Imaging.IO;

/// <summary>
/// Allocation of large voxel buffers. On Linux, buffers of 4 MB and more are advised to use transparent huge pages
/// (madvise MADV_HUGEPAGE on their 2 MB-aligned interior, as numpy does for its large arrays) before they are first
/// touched: on a virtual machine, faulting in fresh memory 4 KB at a time can cost more than decoding into it.
/// </summary>
internal static partial class LargeArray
{
    private const long Threshold = 4L << 20;
    private const long HugePage = 2L << 20;
    private const int MadvHugepage = 14;
    private static bool _disabled = !OperatingSystem.IsLinux();

    /// <summary>An array whose contents are undefined (the caller overwrites all of it).</summary>
    public static T[] Uninitialized<T>(int length) where T : unmanaged
    {
        var a = GC.AllocateUninitializedArray<T>(length);
        Advise(a);
        return a;
    }

    /// <summary>A zero-filled array.</summary>
    public static T[] Zeroed<T>(int length) where T : unmanaged
    {
        long bytes = (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (bytes < Threshold || _disabled) return new T[length];
        var a = Uninitialized<T>(length);
        Array.Clear(a);
        return a;
    }

    private static unsafe void Advise<T>(T[] a) where T : unmanaged
    {
        long bytes = (long)a.Length * sizeof(T);
        if (bytes < Threshold || _disabled) return;
        fixed (T* p = a)
        {
            long start = ((long)p + HugePage - 1) & ~(HugePage - 1), end = ((long)p + bytes) & ~(HugePage - 1);
            if (end <= start) return;
            try { _ = Madvise((nint)start, (nuint)(end - start), MadvHugepage); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _disabled = true; }
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
