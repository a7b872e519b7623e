using MedFM.Tensors.Parallel;
using Xunit;

namespace MedFM.Tensors.Tests.Parallel;

public class ThreadTeamTests
{
    [Fact]
    public void RunCallsEveryThreadIndexOnceOnDistinctThreads()
    {
        using var team = new ThreadTeam(3);
        for (int round = 0; round < 200; round++)
        {
            var seen = new int[3];
            var threadIds = new int[3];
            team.Run((t, n) =>
            {
                Assert.Equal(3, n);
                Interlocked.Increment(ref seen[t]);
                threadIds[t] = Environment.CurrentManagedThreadId;
            });
            Assert.Equal(new[] { 1, 1, 1 }, seen);
            Assert.Equal(3, threadIds.Distinct().Count());
            Assert.Equal(Environment.CurrentManagedThreadId, threadIds[0]); // the caller is worker 0
        }
    }

    [Fact]
    public void MaxThreadsLimitsTheRun()
    {
        using var team = new ThreadTeam(3);
        int calls = 0;
        team.Run((t, n) => { Assert.Equal(2, n); Interlocked.Increment(ref calls); }, maxThreads: 2);
        Assert.Equal(2, calls);
        team.Run((t, n) => { Assert.Equal(1, n); Interlocked.Increment(ref calls); }, maxThreads: 1);
        Assert.Equal(3, calls);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(2, 1000)]
    [InlineData(3, 7)]
    [InlineData(4, 100_001)]
    public void ForCoversTheRangeOnceWithDisjointRanges(int threads, int count)
    {
        using var team = new ThreadTeam(threads);
        var hits = new int[count];
        team.For(count, (lo, hi) =>
        {
            for (int i = lo; i < hi; i++) Interlocked.Increment(ref hits[i]);
        });
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void ForKeepsRangesOfAtLeastMinChunk()
    {
        using var team = new ThreadTeam(4);
        var sizes = new System.Collections.Concurrent.ConcurrentBag<int>();
        team.For(250, (lo, hi) => sizes.Add(hi - lo), minChunk: 100);
        Assert.Equal(2, sizes.Count);
        Assert.Equal(250, sizes.Sum());
    }

    private struct SumJob : ITeamJob
    {
        public long[] Partial;
        public int Count;
        public int Runs;

        public void Execute(int thread, int threads)
        {
            long s = 0;
            for (long i = (long)Count * thread / threads; i < (long)Count * (thread + 1) / threads; i++) s += i;
            Partial[thread] = s;
            Interlocked.Increment(ref Runs);
        }
    }

    [Fact]
    public void StructJobsRunOnEveryThreadAndAreCopiedBack()
    {
        using var team = new ThreadTeam(2);
        var job = new SumJob { Partial = new long[2], Count = 10_000 };
        team.Run(ref job);
        Assert.Equal(2, job.Runs);
        Assert.Equal(10_000L * 9_999 / 2, job.Partial.Sum());
    }

    [Fact]
    public void NestedRunsExecuteInlineWithoutDeadlock()
    {
        using var team = new ThreadTeam(2);
        var inner = new int[2];
        team.Run((t, n) =>
        {
            Assert.True(ThreadTeam.InsideTeam);
            team.Run((t2, n2) =>
            {
                Assert.Equal((0, 1), (t2, n2));
                Interlocked.Increment(ref inner[t]);
            });
            team.For(100, (lo, hi) => Assert.Equal((0, 100), (lo, hi)));
        });
        Assert.Equal(new[] { 1, 1 }, inner);
        Assert.False(ThreadTeam.InsideTeam);
    }

    [Fact]
    public void WorkerExceptionsReachTheCallerAndTheTeamStaysUsable()
    {
        using var team = new ThreadTeam(2);
        var e = Assert.Throws<InvalidOperationException>(() => team.Run((t, n) =>
        {
            if (t == 1) throw new InvalidOperationException("worker 1 failed");
        }));
        Assert.Equal("worker 1 failed", e.Message);
        Assert.Throws<FormatException>(() => team.Run((t, n) => { if (t == 0) throw new FormatException(); }));
        int calls = 0;
        team.Run((t, n) => Interlocked.Increment(ref calls));
        Assert.Equal(2, calls);
    }

    [Fact]
    public void WorkersWakeAfterGoingToSleep()
    {
        using var team = new ThreadTeam(2);
        for (int round = 0; round < 20; round++)
        {
            Thread.Sleep(round % 2 == 0 ? 5 : 0); // long enough for the workers to stop spinning and block
            int calls = 0;
            team.Run((t, n) => Interlocked.Increment(ref calls));
            Assert.Equal(2, calls);
        }
    }

    [Fact]
    public void ConcurrentCallersBothComplete()
    {
        using var team = new ThreadTeam(2);
        long total = 0;
        void Caller()
        {
            for (int r = 0; r < 2000; r++) team.For(64, (lo, hi) => Interlocked.Add(ref total, hi - lo));
        }
        var other = new Thread(Caller);
        other.Start();
        Caller();
        other.Join();
        Assert.Equal(2 * 2000 * 64L, total);
    }

    [Fact]
    public void DisposedTeamsRunInline()
    {
        var team = new ThreadTeam(2);
        team.Run((t, n) => { });
        team.Dispose();
        int calls = 0;
        team.Run((t, n) => { Assert.Equal(1, n); calls++; });
        Assert.Equal(1, calls);
    }

    [Fact]
    public void SpinBarrierSeparatesPhases()
    {
        using var team = new ThreadTeam(3);
        var barrier = new SpinBarrier();
        barrier.Reset(3);
        var stage = new int[3];
        bool ok = true;
        team.Run((t, n) =>
        {
            for (int phase = 1; phase <= 500; phase++)
            {
                Volatile.Write(ref stage[t], phase);
                barrier.SignalAndWait();
                for (int other = 0; other < n; other++)
                    if (Volatile.Read(ref stage[other]) < phase) ok = false;
                barrier.SignalAndWait();
            }
        });
        Assert.True(ok);
    }

    [Fact]
    public void InvalidThreadCountsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ThreadTeam(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpinBarrier().Reset(0));
    }
}
