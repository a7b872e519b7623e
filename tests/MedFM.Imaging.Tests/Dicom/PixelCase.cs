using System.Buffers.Binary;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// One native pixel layout to test: the values are drawn from a seeded generator, and the raw bytes written for
/// dump2dcm carry junk above the high bit (when bits stored &lt; bits allocated) so masking and sign extension are
/// exercised. <see cref="Expected"/> is the stored values the standard defines, worked out here independently.
/// </summary>
internal sealed record PixelCase(string Name, int Rows, int Cols, int BitsAllocated, int BitsStored, bool Signed,
    int Samples = 1, int Planar = 0, int Frames = 1, string Photometric = "MONOCHROME2", bool Junk = true)
{
    public long[] Expected { get; private set; } = [];
    public byte[] Raw { get; private set; } = [];

    public override string ToString() => Name;

    /// <summary>Draws the values (interleaved samples, frame after frame) and their raw bytes (planar when Planar = 1).</summary>
    public PixelCase Generate(int seed = 7)
    {
        var rng = new Random(seed);
        int pixels = Rows * Cols, n = pixels * Samples * Frames;
        var values = new long[n];
        long min = Signed ? -(1L << (BitsStored - 1)) : 0, max = Signed ? (1L << (BitsStored - 1)) - 1 : (1L << BitsStored) - 1;
        for (int i = 0; i < n; i++) values[i] = min + (long)(rng.NextDouble() * (max - min + 1));
        values[0] = min; values[n - 1] = max;
        Expected = values;
        if (BitsAllocated == 1)
        {
            Raw = new byte[(n + 7) / 8 + ((n + 7) / 8 & 1)];
            for (int i = 0; i < n; i++) if (values[i] != 0) Raw[i >> 3] |= (byte)(1 << (i & 7));
            return this;
        }
        int bytes = BitsAllocated / 8;
        Raw = new byte[n * bytes + (n * bytes & 1)];
        for (int f = 0; f < Frames; f++)
            for (int p = 0; p < pixels; p++)
                for (int s = 0; s < Samples; s++)
                {
                    int src = (f * pixels + p) * Samples + s;
                    int dst = Planar == 1 ? f * pixels * Samples + s * pixels + p : src;
                    ulong word = (ulong)values[src] & ((1UL << BitsStored) - 1);
                    if (Junk && BitsStored < BitsAllocated) word |= (ulong)rng.Next(1, 1 << Math.Min(BitsAllocated - BitsStored, 30)) << BitsStored;
                    switch (bytes)
                    {
                        case 1: Raw[dst] = (byte)word; break;
                        case 2: BinaryPrimitives.WriteUInt16LittleEndian(Raw.AsSpan(dst * 2), (ushort)word); break;
                        default: BinaryPrimitives.WriteUInt32LittleEndian(Raw.AsSpan(dst * 4), (uint)word); break;
                    }
                }
        return this;
    }

    /// <summary>Writes the case as an explicit VR little endian file with dump2dcm.</summary>
    public string Write(string dir, string? name = null, Action<DumpBuilder>? extra = null)
    {
        var d = DumpBuilder.Image("1.2.826.0.1.3680043.2.1125.7." + Math.Abs(Name.GetHashCode() % 100000), "1.2.826.0.1.3680043.2.1125.7",
                Samples == 3 ? "=SecondaryCaptureImageStorage" : "=CTImageStorage", Samples == 3 ? "OT" : "CT")
            .Pixels(Rows, Cols, BitsAllocated, BitsStored, Signed, Photometric, Samples, Planar, Frames);
        extra?.Invoke(d);
        return d.Write(dir, (name ?? Name) + ".dcm", Raw, words: BitsAllocated > 8);
    }

    public static PixelCase[] Native { get; } =
    [
        new("u8", 16, 17, 8, 8, false),
        new("s8", 15, 13, 8, 8, true),
        new("u8_6", 13, 14, 8, 6, false),
        new("u16_12", 18, 15, 16, 12, false),
        new("s16", 17, 16, 16, 16, true),
        new("s16_12", 17, 14, 16, 12, true),
        new("u16", 14, 13, 16, 16, false),
        new("u32", 13, 11, 32, 32, false),
        new("s32_24", 13, 12, 32, 24, true),
        new("rgb8_planar0", 64, 64, 8, 8, false, 3, 0, 1, "RGB"),
        new("rgb8_planar1", 64, 64, 8, 8, false, 3, 1, 1, "RGB"),
        new("rgb16_planar0", 13, 12, 16, 16, false, 3, 0, 1, "RGB"),
        new("mf_s16_4frames", 15, 13, 16, 16, true, 1, 0, 4),
        new("bit1_3frames", 5, 3, 1, 1, false, 1, 0, 3),
    ];
}
