using System.Diagnostics;

namespace MedFM.Fuzz;

/// <summary>What went wrong with one input.</summary>
public sealed record FuzzFailure(string Target, long Iteration, string Kind, string Detail, byte[] Input);

/// <summary>The outcome of a fuzzing run on one target.</summary>
public sealed record FuzzReport(string Target, long Iterations, long Decoded, long Rejected, TimeSpan Elapsed, IReadOnlyList<FuzzFailure> Failures)
{
    public override string ToString() =>
        $"{Target}: {Iterations} inputs in {Elapsed.TotalSeconds:F1} s: {Decoded} decoded, {Rejected} rejected with typed errors, {Failures.Count} failures";
}

/// <summary>
/// Runs seeded mutations of a target's seeds through its decoder. Each input must decode or throw an expected
/// (typed) exception, within <see cref="FuzzRunner.TimeLimit"/>, and without allocating more than the target's
/// budget for its length. Iteration i uses Random(seed + i), so any failure replays alone.
/// </summary>
public static class FuzzRunner
{
    public static TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(1);

    public static FuzzReport Run(IFuzzTarget target, IReadOnlyList<byte[]> seeds, long count, int seed, int maxFailures = 20)
    {
        var failures = new List<FuzzFailure>();
        long decoded = 0, rejected = 0;
        var total = Stopwatch.StartNew();
        var offsets = seeds.Select(target.FieldOffsets).ToArray();
        foreach (var s in seeds) RunOne(target, s); // warm-up: JIT and first-use costs are not the input's
        for (long i = 0; i < count && failures.Count < maxFailures; i++)
        {
            var input = Input(target, seeds, offsets, seed, i);
            var outcome = RunOne(target, input);
            if (outcome is null) decoded++;
            else if (outcome == "") rejected++;
            else failures.Add(new FuzzFailure(target.Name, i, outcome.Split(':')[0], outcome, input));
        }
        return new FuzzReport(target.Name, count, decoded, rejected, total.Elapsed, failures);
    }

    /// <summary>The input of iteration <paramref name="i"/> (deterministic).</summary>
    public static byte[] Input(IFuzzTarget target, IReadOnlyList<byte[]> seeds, IReadOnlyList<int>[] offsets, int seed, long i)
    {
        var rng = new Random(unchecked(seed * 1_000_003 + (int)i));
        int s = rng.Next(seeds.Count);
        var mutated = Mutator.Mutate(seeds[s], offsets[s], rng);
        return target.Repair(mutated, seeds[s], rng);
    }

    /// <summary>null: decoded; "": rejected with an expected exception; otherwise "Kind: detail".</summary>
    public static string? RunOne(IFuzzTarget target, byte[] input)
    {
        long allocated = 0;
        Exception? error = null;
        var sw = new Stopwatch();
        var task = Task.Run(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            sw.Start();
            try { target.Decode(input); }
            catch (Exception e) { error = e; }
            sw.Stop();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        if (!task.Wait(TimeLimit * 10))
            return $"Hang: no result after {(TimeLimit * 10).TotalSeconds} s";
        if (sw.Elapsed > TimeLimit) return $"Slow: {sw.Elapsed.TotalMilliseconds:F0} ms";
        long budget = target.AllocationBudget(input.Length);
        if (allocated > budget) return $"Allocation: {allocated} bytes for a {input.Length}-byte input (budget {budget})";
        if (error is null) return null;
        return target.IsExpected(error) ? "" : $"Unexpected: {error.GetType().Name}: {error.Message}\n{error.StackTrace}";
    }
}
