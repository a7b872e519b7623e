using System.Runtime.CompilerServices;

namespace MedFM.Tensors.Random;

/// <summary>
/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a counter-based generator.
/// Block i of a stream is a pure function of (key, counter i), so any element can be computed independently —
/// results do not depend on how work is split across threads.
/// </summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>The four 32-bit outputs for a 128-bit counter (c0..c3) under a 64-bit key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint, uint, uint, uint) Block(ulong key, ulong counterLo, ulong counterHi = 0)
    {
        uint c0 = (uint)counterLo, c1 = (uint)(counterLo >> 32), c2 = (uint)counterHi, c3 = (uint)(counterHi >> 32);
        uint k0 = (uint)key, k1 = (uint)(key >> 32);
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0, hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0);
            k0 += W0;
            k1 += W1;
        }
        return (c0, c1, c2, c3);
    }

    /// <summary>A float uniformly distributed in [0, 1) from the top 24 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToUnit(uint x) => (x >> 8) * (1f / 16777216f);

    /// <summary>A double uniformly distributed in (0, 1] (never 0, so its logarithm is finite).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUnitOpenZero(uint x) => ((double)x + 1.0) / 4294967296.0;
}
