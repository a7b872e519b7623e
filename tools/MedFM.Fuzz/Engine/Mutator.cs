using System.Buffers.Binary;

namespace MedFM.Fuzz;

/// <summary>
/// Seeded mutations of a seed input: bit flips, byte overwrites with interesting values, truncation, length-field
/// corruption (16/32-bit, either byte order, favouring the target's known field offsets), slice duplication and
/// deletion. The same (seed, iteration) always gives the same input.
/// </summary>
public static class Mutator
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x10, 0x20];
    private static readonly long[] InterestingInts = [0, 1, -1, 2, 3, 4, 7, 8, 15, 16, 255, 256, 348, 540, 0x7F, 0x80, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        0x7FFFFFFF, unchecked((int)0x80000000), 0xFFFFFFFF, 100000, 1 << 20];

    public static byte[] Mutate(byte[] seed, IReadOnlyList<int> fieldOffsets, Random rng)
    {
        var data = new List<byte>(seed);
        int ops = 1 + rng.Next(3);
        for (int o = 0; o < ops && data.Count > 0; o++)
        {
            switch (rng.Next(7))
            {
                case 0: FlipBits(data, rng); break;
                case 1: Overwrite(data, rng); break;
                case 2: Truncate(data, rng); break;
                case 3:
                case 4: CorruptField(data, fieldOffsets, rng); break;
                case 5: Duplicate(data, rng); break;
                default: Delete(data, rng); break;
            }
        }
        return data.ToArray();
    }

    private static void FlipBits(List<byte> d, Random rng)
    {
        int n = 1 + rng.Next(8);
        for (int i = 0; i < n; i++) { int p = rng.Next(d.Count); d[p] ^= (byte)(1 << rng.Next(8)); }
    }

    private static void Overwrite(List<byte> d, Random rng)
    {
        int n = 1 + rng.Next(4);
        for (int i = 0; i < n; i++)
            d[rng.Next(d.Count)] = rng.Next(2) == 0 ? InterestingBytes[rng.Next(InterestingBytes.Length)] : (byte)rng.Next(256);
    }

    private static void Truncate(List<byte> d, Random rng)
    {
        if (d.Count < 2) return;
        int keep = rng.Next(1, d.Count);
        d.RemoveRange(keep, d.Count - keep);
    }

    private static void CorruptField(List<byte> d, IReadOnlyList<int> offsets, Random rng)
    {
        int pos = offsets.Count > 0 && rng.Next(4) != 0 ? offsets[rng.Next(offsets.Count)] : rng.Next(d.Count);
        long v = InterestingInts[rng.Next(InterestingInts.Length)];
        if (rng.Next(4) == 0) v += rng.Next(-2, 3);
        Span<byte> buf = stackalloc byte[4];
        int width = rng.Next(2) == 0 ? 2 : 4;
        if (rng.Next(2) == 0) BinaryPrimitives.WriteInt32BigEndian(buf, (int)v); else BinaryPrimitives.WriteInt32LittleEndian(buf, (int)v);
        var bytes = width == 4 ? buf : (buf[0] == 0 && buf[1] == 0 ? buf[2..] : buf[..2]);
        for (int i = 0; i < bytes.Length && pos + i < d.Count; i++) d[pos + i] = bytes[i];
    }

    private static void Duplicate(List<byte> d, Random rng)
    {
        int start = rng.Next(d.Count), len = Math.Min(1 + rng.Next(64), d.Count - start);
        var slice = d.GetRange(start, len);
        d.InsertRange(rng.Next(d.Count + 1), slice);
    }

    private static void Delete(List<byte> d, Random rng)
    {
        int start = rng.Next(d.Count), len = Math.Min(1 + rng.Next(32), d.Count - start);
        d.RemoveRange(start, len);
    }
}
