namespace MedFM.Tensors.Random;

/// <summary>
/// A seeded stream of random numbers. Each draw of n values consumes n counters of a Philox stream keyed by the
/// seed, so a tensor's values depend only on (seed, position in the stream), never on threads.
/// </summary>
public sealed class Generator
{
    private static Generator? defaultGenerator;

    public Generator(ulong seed)
    {
        Seed = seed;
        Offset = 0;
    }

    /// <summary>The process-wide generator used when none is given (seed 0 until ManualSeed).</summary>
    public static Generator Default => defaultGenerator ??= new Generator(0);

    /// <summary>Re-seeds the default generator (torch.manual_seed).</summary>
    public static void ManualSeed(ulong seed) => defaultGenerator = new Generator(seed);

    public ulong Seed { get; }

    /// <summary>Counters consumed so far.</summary>
    public ulong Offset { get; set; }

    /// <summary>Reserves n counters and returns the first.</summary>
    public ulong Advance(long n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n));
        var start = Offset;
        Offset += (ulong)n;
        return start;
    }

    /// <summary>A float in [0, 1).</summary>
    public float NextFloat() => Philox.ToUnit(Philox.Block(Seed, Advance(1)).Item1);

    /// <summary>An integer in [0, bound) without modulo bias noticeable at these sizes (64-bit multiply-shift).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), bound, "bound must be positive");
        var (a, b, _, _) = Philox.Block(Seed, Advance(1));
        ulong r = ((ulong)a << 32) | b;
        return (int)(((UInt128)r * (ulong)bound) >> 64);
    }

    /// <summary>A random permutation of 0..n-1 (Fisher–Yates).</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    /// <summary>Independent state snapshot, for checkpointing a training run.</summary>
    public (ulong Seed, ulong Offset) State => (Seed, Offset);

    public static Generator FromState(ulong seed, ulong offset) => new(seed) { Offset = offset };
}
