namespace MedFM.Tensors.Parallel;

/// <summary>
/// A reusable barrier for the threads of one team run (e.g. "every thread has packed its share of B"). Waiting
/// threads spin and then yield; they never block in the kernel, so use it only between phases of balanced work.
/// A barrier belongs to one run at a time: <see cref="Reset"/> it, before the run starts, to the run's thread count.
/// </summary>
public sealed class SpinBarrier
{
    private int participants = 1;
    private int remaining = 1;
    private int phase;

    /// <summary>Sets the number of threads that must arrive before any leaves. Not thread-safe: call it before the run.</summary>
    public void Reset(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        participants = count;
        Volatile.Write(ref remaining, count);
    }

    /// <summary>Arrives and waits until every participant has arrived. Writes made before it are visible after it.</summary>
    public void SignalAndWait()
    {
        if (participants == 1) return;
        int current = Volatile.Read(ref phase);
        if (Interlocked.Decrement(ref remaining) == 0)
        {
            Volatile.Write(ref remaining, participants);
            Interlocked.Increment(ref phase);
            return;
        }
        var spin = new SpinWait();
        while (Volatile.Read(ref phase) == current) spin.SpinOnce(sleep1Threshold: -1);
    }
}
