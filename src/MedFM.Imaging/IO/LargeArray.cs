using System.Runtime.InteropServices;

namespace MedFM.Imaging.IO;

/// <summary>
/// Allocation of large voxel buffers. On Linux, buffers of 4 MB and more are advised to use transparent huge pages
/// (madvise MADV_HUGEPAGE on their 2 MB-aligned interior, as numpy does for its large arrays) before they are first
/// touched, and when their pages are not resident yet they are faulted in by one MADV_POPULATE_WRITE call (Linux 5.14
/// and later; skipped silently before). On a virtual machine, faulting fresh memory in page by page can cost more than
/// decoding into it: measured on the 2-core machine of record, a fresh 7.1 MB array took 21 ms to touch page by page,
/// 8.3 ms with huge pages and 1.6 ms with huge pages and one populate call (the first write into the 4 KB pages at the
/// unaligned ends still costs 2-3 ms more there). An array that a slow producer fills later, such as an inflater, can be
/// allocated unpopulated instead and its pages faulted in on another core meanwhile (<see cref="PageWarmer"/>).
/// </summary>
internal static partial class LargeArray
{
    private const long Threshold = 4L << 20;
    private const long HugePage = 2L << 20;
    private const int MadvHugepage = 14;
    private const int MadvPopulateWrite = 23;
    private static bool _disabled = !OperatingSystem.IsLinux();
    private static bool _populateUnsupported;

    /// <summary>An array whose contents are undefined (the caller overwrites all of it).</summary>
    public static T[] Uninitialized<T>(int length) where T : unmanaged => Uninitialized<T>(length, Threshold);

    /// <summary>
    /// As <see cref="Uninitialized{T}(int)"/>, advising buffers from <paramref name="threshold"/> bytes (for buffers
    /// below the usual 4 MB that are written whole at once, such as a file read in one call).
    /// </summary>
    public static T[] Uninitialized<T>(int length, long threshold) where T : unmanaged
    {
        var a = GC.AllocateUninitializedArray<T>(length);
        Advise(a, threshold, populate: true);
        return a;
    }

    /// <summary>
    /// As <see cref="Uninitialized{T}(int)"/> with the huge-page advice only: the pages are left for a
    /// <see cref="PageWarmer"/> to fault in on another core.
    /// </summary>
    public static T[] UninitializedUnpopulated<T>(int length) where T : unmanaged
    {
        var a = GC.AllocateUninitializedArray<T>(length);
        Advise(a, Threshold, populate: false);
        return a;
    }

    /// <summary>
    /// Faults in the pages of an existing array (one populate call) when sampled pages are not resident: for pooled
    /// buffers about to be written whole, whose first use would otherwise fault page by page.
    /// </summary>
    public static void Prefault<T>(T[] a, long threshold) where T : unmanaged => Advise(a, threshold, populate: true);

    /// <summary>A zero-filled array.</summary>
    public static T[] Zeroed<T>(int length) where T : unmanaged
    {
        long bytes = (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (bytes < Threshold || _disabled) return new T[length];
        var a = Uninitialized<T>(length);
        Array.Clear(a);
        return a;
    }

    private static unsafe void Advise<T>(T[] a, long threshold, bool populate) where T : unmanaged
    {
        long bytes = (long)a.Length * sizeof(T);
        if (bytes < threshold || _disabled) return;
        fixed (T* p = a)
        {
            try
            {
                var (start, end) = Interior((long)p, bytes, HugePage);
                if (end > start) _ = Madvise((nint)start, (nuint)(end - start), MadvHugepage);
                (start, end) = Interior((long)p, bytes, Environment.SystemPageSize);
                // Memory the GC kept from an earlier buffer is resident already: populating it again would only walk its
                // page tables (10 ms for 300 MB), so a few sampled pages decide.
                if (populate && end > start && !Resident(start, end, Environment.SystemPageSize)) Populate(start, end);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _disabled = true; }
        }
    }

    /// <summary>The whole <paramref name="unit"/>-aligned units inside <paramref name="bytes"/> bytes at <paramref name="p"/> (empty when end ≤ start).</summary>
    private static (long Start, long End) Interior(long p, long bytes, long unit) => ((p + unit - 1) & ~(unit - 1), (p + bytes) & ~(unit - 1));

    /// <summary>The whole pages inside <paramref name="bytes"/> bytes at <paramref name="p"/>: what madvise may touch without reaching past them.</summary>
    internal static (long Start, long End) PageInterior(long p, long bytes) => Interior(p, bytes, Environment.SystemPageSize);

    /// <summary>True when this process can advise and populate memory (Linux with libc's madvise).</summary>
    internal static bool CanAdvise => !_disabled && !_populateUnsupported;

    /// <summary>
    /// Faults in the page-aligned range [start, end) by one MADV_POPULATE_WRITE call (contents unchanged); false when that
    /// failed. Only EINVAL (Linux before 5.14) turns populating off for good: pages then fault in on first touch as
    /// usual. Other errors (EINTR from a signal, such as the runtime's thread suspension, or ENOMEM) fail just this call.
    /// </summary>
    internal static bool Populate(long start, long end)
    {
        if (_populateUnsupported || _disabled) return false;
        try
        {
            if (Madvise((nint)start, (nuint)(end - start), MadvPopulateWrite) == 0) return true;
            if (Marshal.GetLastPInvokeError() == EInval) _populateUnsupported = true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _disabled = true; }
        return false;
    }

    /// <summary>True when the page-aligned interior of <paramref name="bytes"/> bytes at <paramref name="p"/> is resident (sampled).</summary>
    internal static bool Resident(long p, long bytes)
    {
        var (start, end) = PageInterior(p, bytes);
        try { return end <= start || Resident(start, end, Environment.SystemPageSize); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { _disabled = true; return true; }
    }

    /// <summary>True when 16 pages spread over [start, end) are all resident (or residency cannot be asked).</summary>
    private static unsafe bool Resident(long start, long end, long page)
    {
        const int Samples = 16;
        long pages = (end - start) / page;
        byte vec = 0;
        for (int i = 0; i < Samples; i++)
        {
            long at = start + (pages - 1) * i / (Samples - 1) * page;
            if (Mincore((nint)at, (nuint)page, &vec) != 0) return true;
            if ((vec & 1) == 0) return false;
        }
        return true;
    }

    private const int EInval = 22;

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "mincore")]
    private static unsafe partial int Mincore(nint address, nuint length, byte* vector);
}
