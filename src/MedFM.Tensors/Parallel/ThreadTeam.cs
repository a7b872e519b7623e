using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace MedFM.Tensors.Parallel;

/// <summary>
/// The engine's worker threads: a persistent team. Threads - 1 background workers are created once (on the first
/// parallel run) and live with the team; the calling thread takes part as worker 0. After a run a worker spins
/// briefly (so back-to-back kernels start in about a microsecond) and then blocks until the next run.
/// <para>
/// Kernels split work with <see cref="For"/> (a static partition of [0, count) into one contiguous range per
/// thread), <see cref="Run(Action{int,int},int)"/> (every thread runs the body once with its index) or, in hot
/// kernels, <see cref="Run{TJob}(ref TJob,int)"/>, which takes a struct job and allocates nothing.
/// </para>
/// A run started from inside a team body (a nested call), or while another thread is using the team, runs inline
/// on the calling thread as a one-thread team: it never waits for the team, so it cannot deadlock. An exception
/// thrown by any thread's body reaches the caller once every thread has finished. The thread count comes from
/// MEDFM_THREADS, else the processor count.
/// </summary>
public sealed unsafe class ThreadTeam : IDisposable
{
    /// <summary>How long an idle worker (and a caller waiting for the workers) spins before blocking.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 µs

    private static ThreadTeam? defaultTeam;

    /// <summary>Non-zero while this thread runs a team body: a run started then goes inline.</summary>
    [ThreadStatic] private static int insideTeam;

    private readonly object startLock = new();
    private readonly SemaphoreSlim callerWake = new(0);
    private Worker[]? workers;
    private ExceptionDispatchInfo?[]? errors;
    private int busy;

    // The current run, published by bumping `ticket` (generation << 8 | thread count).
    private void* jobState;
    private delegate*<void*, int, int, void> jobCall;
    private long ticket;
    private int pending;
    private int callerSleeping;
    private volatile bool disposed;

    public ThreadTeam(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "a thread team needs at least one thread");
        if (threads > 255) throw new ArgumentOutOfRangeException(nameof(threads), threads, "a thread team has at most 255 threads");
        Threads = threads;
    }

    /// <summary>The team every kernel uses unless told otherwise.</summary>
    public static ThreadTeam Default
    {
        get => Volatile.Read(ref defaultTeam) ?? CreateDefault();
        set => Volatile.Write(ref defaultTeam, value ?? throw new ArgumentNullException(nameof(value)));
    }

    public int Threads { get; }

    /// <summary>Whether the current thread is running a team body (a run started now would go inline).</summary>
    public static bool InsideTeam => insideTeam > 0;

    /// <summary>Runs body(threadIndex, threadCount) once on each of min(Threads, maxThreads) threads and waits for all.</summary>
    public void Run(Action<int, int> body, int maxThreads = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(body);
        var job = new ActionJob(body);
        Run(ref job, maxThreads);
    }

    /// <summary>Calls body(start, end) on disjoint contiguous ranges covering [0, count); ranges below minChunk items are not split further.</summary>
    public void For(int count, Action<int, int> body, int minChunk = 1)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (count <= 0) return;
        int chunks = Math.Clamp(count / Math.Max(1, minChunk), 1, Threads);
        if (chunks == 1) { body(0, count); return; }
        var job = new ForJob(body, count);
        Run(ref job, chunks);
    }

    /// <summary>
    /// Runs job.Execute(threadIndex, threadCount) once on each of min(Threads, maxThreads) threads and waits for
    /// all; nothing is allocated. Every thread sees the same job (a copy on the caller's stack, copied back into
    /// <paramref name="job"/> afterwards), so fields it shares between threads must be written with care.
    /// </summary>
    public void Run<TJob>(ref TJob job, int maxThreads = int.MaxValue) where TJob : struct, ITeamJob
    {
        int n = Math.Min(Threads, Math.Max(1, maxThreads));
        if (n == 1 || insideTeam > 0 || disposed || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            RunInline(ref job);
            return;
        }
        try
        {
            EnsureWorkers();
            TJob local = job; // on this stack frame: it does not move while the workers use it
            Dispatch(Unsafe.AsPointer(ref local), &Invoke<TJob>, n);
            job = local;
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>Stops the workers (they exit once idle). Runs started afterwards execute inline.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        lock (startLock)
        {
            if (workers is null) return;
            Interlocked.Add(ref ticket, 1 << 8);
            foreach (var w in workers) w.Wake();
        }
    }

    public static int ThreadsFromEnvironment()
    {
        var s = Environment.GetEnvironmentVariable("MEDFM_THREADS");
        if (!string.IsNullOrEmpty(s))
        {
            if (!int.TryParse(s, out int t) || t < 1)
                throw new ArgumentException($"MEDFM_THREADS must be a positive integer, found '{s}'");
            return Math.Min(t, 255);
        }
        return Math.Min(Environment.ProcessorCount, 255);
    }

    private static ThreadTeam CreateDefault()
    {
        var team = new ThreadTeam(ThreadsFromEnvironment());
        return Interlocked.CompareExchange(ref defaultTeam, team, null) ?? team;
    }

    private static void RunInline<TJob>(ref TJob job) where TJob : struct, ITeamJob
    {
        insideTeam++;
        try { job.Execute(0, 1); }
        finally { insideTeam--; }
    }

    private static void Invoke<TJob>(void* state, int thread, int threads) where TJob : struct, ITeamJob =>
        Unsafe.AsRef<TJob>(state).Execute(thread, threads);

    private void EnsureWorkers()
    {
        if (workers is not null) return;
        lock (startLock)
        {
            if (workers is not null) return;
            var list = new Worker[Threads - 1];
            errors = new ExceptionDispatchInfo?[Threads];
            for (int i = 0; i < list.Length; i++) list[i] = new Worker(this, i + 1);
            workers = list;
            foreach (var w in list) w.Start();
        }
    }

    private void Dispatch(void* state, delegate*<void*, int, int, void> call, int n)
    {
        jobState = state;
        jobCall = call;
        Volatile.Write(ref pending, n - 1);
        long t = ((Volatile.Read(ref ticket) >> 8) + 1) << 8 | (long)n;
        Interlocked.Exchange(ref ticket, t); // full fence: the job is visible before any worker can see the ticket
        for (int i = 0; i < n - 1; i++) workers![i].Wake();

        insideTeam++;
        try { call(state, 0, n); }
        catch (Exception e) { errors![0] = ExceptionDispatchInfo.Capture(e); }
        finally { insideTeam--; }

        WaitForWorkers();
        jobState = null;
        ThrowFirstError(n);
    }

    private void WaitForWorkers()
    {
        if (Volatile.Read(ref pending) == 0) return;
        long until = Stopwatch.GetTimestamp() + SpinTicks;
        var spin = new SpinWait();
        while (Volatile.Read(ref pending) != 0)
        {
            if (Stopwatch.GetTimestamp() < until) { spin.SpinOnce(sleep1Threshold: -1); continue; }
            Interlocked.Exchange(ref callerSleeping, 1);
            if (Volatile.Read(ref pending) == 0 && Interlocked.CompareExchange(ref callerSleeping, 0, 1) == 1) return;
            callerWake.Wait(); // the last worker cleared the flag and released the semaphore
            return;
        }
    }

    private void ThrowFirstError(int n)
    {
        ExceptionDispatchInfo? first = null;
        for (int i = 0; i < n; i++)
        {
            first ??= errors![i];
            errors![i] = null;
        }
        first?.Throw();
    }

    private void WorkerDone()
    {
        if (Interlocked.Decrement(ref pending) == 0 && Interlocked.CompareExchange(ref callerSleeping, 0, 1) == 1)
            callerWake.Release();
    }

    /// <summary>One background thread: waits for a new ticket, runs its share if the run includes it, reports done.</summary>
    private sealed class Worker(ThreadTeam team, int index)
    {
        private readonly SemaphoreSlim wake = new(0);
        private int sleeping;
        private long seen;

        public void Start()
        {
            seen = Volatile.Read(ref team.ticket) >> 8;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"MedFM worker {index}" };
            thread.Start();
        }

        /// <summary>Called by the dispatcher after publishing a ticket: releases the worker if it went to sleep.</summary>
        public void Wake()
        {
            if (Interlocked.CompareExchange(ref sleeping, 0, 1) == 1) wake.Release();
        }

        private void Loop()
        {
            insideTeam = 1;
            while (true)
            {
                long t = WaitForTicket();
                if (team.disposed) return;
                int threads = (int)(t & 0xFF);
                if (index >= threads) continue;
                try { team.jobCall(team.jobState, index, threads); }
                catch (Exception e) { team.errors![index] = ExceptionDispatchInfo.Capture(e); }
                team.WorkerDone();
            }
        }

        private long WaitForTicket()
        {
            long until = Stopwatch.GetTimestamp() + SpinTicks;
            var spin = new SpinWait();
            while (true)
            {
                long t = Volatile.Read(ref team.ticket);
                if (t >> 8 != seen) { seen = t >> 8; return t; }
                if (Stopwatch.GetTimestamp() < until) { spin.SpinOnce(sleep1Threshold: -1); continue; }
                Interlocked.Exchange(ref sleeping, 1);
                t = Volatile.Read(ref team.ticket);
                if (t >> 8 != seen && Interlocked.CompareExchange(ref sleeping, 0, 1) == 1) { seen = t >> 8; return t; }
                wake.Wait(); // the dispatcher cleared the flag and released us
                until = Stopwatch.GetTimestamp() + SpinTicks;
                spin = new SpinWait();
            }
        }
    }

    private readonly struct ActionJob(Action<int, int> body) : ITeamJob
    {
        public void Execute(int thread, int threads) => body(thread, threads);
    }

    private readonly struct ForJob(Action<int, int> body, int count) : ITeamJob
    {
        public void Execute(int thread, int threads)
        {
            long start = (long)count * thread / threads, end = (long)count * (thread + 1) / threads;
            if (end > start) body((int)start, (int)end);
        }
    }
}
