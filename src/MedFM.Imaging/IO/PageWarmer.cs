using System.Runtime.InteropServices;

namespace MedFM.Imaging.IO;

/// <summary>
/// Faults in the pages of a freshly allocated array on a thread-pool thread while the caller does work that does not
/// touch the array yet (inflating the file whose voxels the array will receive), so that the caller's one write into
/// the array later finds its pages mapped. On the virtual machine of record a fresh page costs far more than writing it:
/// a 7.1 MB array took 26-30 ms to fault in 4 KB page by page, and even after huge-page advice and one
/// MADV_POPULATE_WRITE call (1 ms) the first write into the 4 KB pages at its unaligned ends still cost 2-3 ms more than
/// a write into reused memory; inflating ch2.nii.gz takes 13 ms, long enough to hide all of it on a second core.
/// <para>
/// Nothing here changes the array's contents: pages are populated by the kernel (contents kept) and each 4 KB page is
/// touched by an atomic add of zero, which cannot lose a concurrent write. So the caller may write the array at any
/// time (a streaming inflater writes it while the warmer runs), never waits for the warmer, and <see cref="Dispose"/>
/// only asks it to stop early. On a single core, or when the pages are resident already, nothing runs in the background.
/// </para>
/// </summary>
internal sealed class PageWarmer : IDisposable
{
    /// <summary>Arrays below this are not worth a thread-pool hop (the threshold of <see cref="LargeArray"/>'s advice).</summary>
    private const long MinBytes = 4L << 20;

    /// <summary>Populated in steps of one huge page, the stop flag read between steps and every 64 pages touched.</summary>
    private const long Step = 2L << 20;

    private readonly Array _array;
    private readonly long _bytes;
    private volatile bool _stop;

    private PageWarmer(Array array, long bytes)
    {
        _array = array;
        _bytes = bytes;
    }

    /// <summary>
    /// Starts faulting in the first <paramref name="bytes"/> bytes of <paramref name="array"/> (a primitive array,
    /// allocated with <see cref="LargeArray.UninitializedUnpopulated{T}"/>) in the background. Returns null when that is
    /// not worth it: a small array, pages already resident (memory the GC kept), no madvise (not Linux), or a single
    /// core, where the pages are populated here at once instead, as <see cref="LargeArray.Uninitialized{T}(int)"/> does.
    /// </summary>
    public static unsafe PageWarmer? Start(Array array, long bytes)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (bytes < MinBytes || !LargeArray.CanAdvise) return null;
        fixed (byte* p = &MemoryMarshal.GetArrayDataReference(array))
        {
            if (LargeArray.Resident((long)p, bytes)) return null;
            if (Environment.ProcessorCount < 2)
            {
                var (start, end) = LargeArray.PageInterior((long)p, bytes);
                if (end > start) LargeArray.Populate(start, end);
                return null;
            }
        }
        var warmer = new PageWarmer(array, bytes);
        ThreadPool.UnsafeQueueUserWorkItem(static w => w.Run(), warmer, preferLocal: false);
        return warmer;
    }

    /// <summary>Asks the warmer to stop (it may finish the step it is in); never waits.</summary>
    public void Dispose() => _stop = true;

    private unsafe void Run()
    {
        try
        {
            if (_stop) return;
            fixed (byte* p = &MemoryMarshal.GetArrayDataReference(_array)) // pinned while it works
            {
                long page = Environment.SystemPageSize;
                var (start, end) = LargeArray.PageInterior((long)p, _bytes);
                // The first step holds the 4 KB pages of the unaligned head, the ones a caller writing from the front
                // (a streaming inflater) meets first; the rest goes from the end backwards, towards such a caller.
                long head = Math.Min(end, (start + Step) & ~(Step - 1));
                Warm(start, head, page);
                for (long hi = end; hi > head && !_stop;)
                {
                    long lo = Math.Max(head, (hi - 1) & ~(Step - 1));
                    Warm(lo, hi, page);
                    hi = lo;
                }
            }
        }
        catch (Exception)
        {
            // Only a hint: an exception on a thread-pool thread would end the process, and the caller's writes fault the
            // pages in anyway.
        }
    }

    /// <summary>
    /// Populates [lo, hi) when the kernel can (huge pages where advised, in one call) and write-touches each page: on
    /// the machine of record a 4 KB page's first write costs microseconds even after it was populated.
    /// </summary>
    private unsafe void Warm(long lo, long hi, long page)
    {
        LargeArray.Populate(lo, hi);
        long n = 0;
        for (long a = lo; a < hi && (++n % 64 != 0 || !_stop); a += page)
            Interlocked.Add(ref *(int*)a, 0); // a write fault, value kept even against a concurrent write
    }
}
