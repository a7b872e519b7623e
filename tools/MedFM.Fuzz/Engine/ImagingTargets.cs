using System.Buffers.Binary;
using System.IO.Compression;
using MedFM.Imaging;
using MedFM.Imaging.Jpeg;
using MedFM.Imaging.Nifti;
using MedFM.Imaging.Png;

namespace MedFM.Fuzz;

/// <summary>Common behaviour: imaging exceptions are the expected ones.</summary>
public abstract class ImagingTarget : IFuzzTarget
{
    public abstract string Name { get; }
    public abstract IReadOnlyList<string> SeedFiles { get; }
    public abstract void Decode(byte[] input);
    public virtual bool IsExpected(Exception e) => e is ImagingException;
    public virtual long AllocationBudget(int inputLength) => (64L << 20) + 8192L * inputLength;
    public virtual IReadOnlyList<int> FieldOffsets(byte[] seed) => [];
    public virtual byte[] Repair(byte[] mutated, byte[] seed, Random rng) => mutated;
}

/// <summary>NIfTI-1/-2, plain and gzipped; half of the gzipped inputs are mutated before compression.</summary>
public sealed class NiftiTarget : ImagingTarget
{
    public override string Name => "nifti";

    public override IReadOnlyList<string> SeedFiles =>
    [
        "tests/Fixtures/imaging/nifti/be_scaled_qform.nii", "tests/Fixtures/imaging/nifti/base_affine.nii.gz",
        "tests/Fixtures/imaging/nifti/nifti2_be_4d.nii", "tests/Fixtures/imaging/nifti/rgb24.nii",
        "tests/Fixtures/imaging/nifti/type_float64.nii", "tests/Fixtures/imaging/nifti/image2d.nii",
        "tests/Fixtures/imaging/nifti/sform_sheared.nii",
    ];

    public override void Decode(byte[] input) => NiftiReader.Read(input, "fuzz.nii");

    public override long AllocationBudget(int inputLength) => (64L << 20) + 4 * 1100L * inputLength;

    public override IReadOnlyList<int> FieldOffsets(byte[] seed) =>
        [0, 40, 42, 44, 46, 48, 70, 72, 76, 80, 108, 112, 252, 254, 344, 16, 24, 32, 168, 176];

    public override byte[] Repair(byte[] mutated, byte[] seed, Random rng)
    {
        if (mutated.Length < 2 || mutated[0] != 0x1F || mutated[1] != 0x8B || rng.Next(2) == 0) return mutated;
        // Structure-aware: mutate the decompressed content instead, then compress it again.
        byte[] inner;
        try
        {
            using var z = new GZipStream(new MemoryStream(seed), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            z.CopyTo(ms);
            inner = ms.ToArray();
        }
        catch (InvalidDataException) { return mutated; }
        var changed = Mutator.Mutate(inner, FieldOffsets(inner), rng);
        using var outMs = new MemoryStream();
        using (var gz = new GZipStream(outMs, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(changed);
        return outMs.ToArray();
    }
}

/// <summary>PNG; most mutated inputs get their chunk CRCs recomputed so the chunk contents are exercised.</summary>
public sealed class PngTarget : ImagingTarget
{
    public override string Name => "png";

    public override IReadOnlyList<string> SeedFiles =>
    [
        "tests/Fixtures/imaging/png/ct0_d1_i.png", "tests/Fixtures/imaging/png/ct0_d16.png", "tests/Fixtures/imaging/png/ct2_d8_i.png",
        "tests/Fixtures/imaging/png/ct3_d4.png", "tests/Fixtures/imaging/png/ct3_d8_i.png", "tests/Fixtures/imaging/png/ct4_d16_i.png",
        "tests/Fixtures/imaging/png/ct6_d8.png", "tests/Fixtures/imaging/png/pil_RGB.png",
    ];

    public override void Decode(byte[] input) => PngReader.Read(input, "fuzz.png");

    // Legitimate data can expand: 1-bit palette pixels become 4 bytes of RGBA (×32 on top of deflate's ×1032).
    public override long AllocationBudget(int inputLength) => (64L << 20) + 40000L * inputLength;

    public override IReadOnlyList<int> FieldOffsets(byte[] seed)
    {
        var list = new List<int>();
        for (int p = 8; p + 8 <= seed.Length;)
        {
            list.Add(p);
            int len = BinaryPrimitives.ReadInt32BigEndian(seed.AsSpan(p));
            if (p == 8) { list.Add(16); list.Add(20); list.Add(24); }
            if (len < 0 || p + 12L + len > seed.Length) break;
            p += 12 + len;
        }
        return list;
    }

    public override byte[] Repair(byte[] mutated, byte[] seed, Random rng)
    {
        int mode = rng.Next(10);
        if (mode < 2) return mutated;
        if (mode < 5) return MutateImageData(seed, rng) ?? mutated;
        var b = (byte[])mutated.Clone();
        for (int p = 8; p + 12 <= b.Length;)
        {
            long len = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(p));
            if (p + 12 + len > b.Length) break;
            uint crc = Crc(b.AsSpan(p + 4, 4 + (int)len));
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(p + 8 + (int)len), crc);
            p += 12 + (int)len;
        }
        return b;
    }

    /// <summary>Structure-aware: inflate the seed's IDAT, mutate the filtered rows, deflate into one valid IDAT.</summary>
    private static byte[]? MutateImageData(byte[] seed, Random rng)
    {
        var idat = new MemoryStream();
        int firstIdat = -1, afterIdat = -1;
        for (int p = 8; p + 12 <= seed.Length;)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(seed.AsSpan(p));
            if (len < 0 || p + 12L + len > seed.Length) return null;
            if (seed.AsSpan(p + 4, 4).SequenceEqual("IDAT"u8))
            {
                if (firstIdat < 0) firstIdat = p;
                idat.Write(seed, p + 8, len);
                afterIdat = p + 12 + len;
            }
            p += 12 + len;
        }
        if (firstIdat < 0) return null;
        byte[] raw;
        try
        {
            using var z = new ZLibStream(new MemoryStream(idat.ToArray()), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            z.CopyTo(ms);
            raw = ms.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or IOException) { return null; }
        var changed = Mutator.Mutate(raw, [], rng);
        using var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(changed);
        var data = packed.ToArray();
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        "IDAT"u8.CopyTo(chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc(chunk.AsSpan(4, 4 + data.Length)));
        return [.. seed.AsSpan(0, firstIdat), .. chunk, .. seed.AsSpan(afterIdat)];
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (var x in data)
        {
            c ^= x;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        }
        return c ^ 0xFFFFFFFF;
    }
}

/// <summary>JPEG: baseline, progressive, restart and grey seeds; segment lengths are favoured for corruption.</summary>
public sealed class JpegTarget : ImagingTarget
{
    public override string Name => "jpeg";

    public override IReadOnlyList<string> SeedFiles =>
    [
        "tests/Fixtures/imaging/jpeg/base_420.jpg", "tests/Fixtures/imaging/jpeg/prog_420.jpg",
        "tests/Fixtures/imaging/jpeg/prog_422_restart.jpg", "tests/Fixtures/imaging/jpeg/restart_mcu_444.jpg",
        "tests/Fixtures/imaging/jpeg/grey_prog.jpg", "tests/Fixtures/imaging/jpeg/base_411.jpg",
        "tests/Fixtures/imaging/jpeg/ext_16bit_qt.jpg", "tests/Fixtures/imaging/jpeg/rgb_adobe.jpg",
    ];

    public override void Decode(byte[] input) => JpegReader.Read(input, "fuzz.jpg");

    public override IReadOnlyList<int> FieldOffsets(byte[] seed)
    {
        var list = new List<int>();
        for (int p = 2; p + 4 <= seed.Length;)
        {
            if (seed[p] != 0xFF) break;
            int marker = seed[p + 1];
            if (marker == 0xDA || marker == 0xD9) { list.Add(p + 2); break; }
            list.Add(p + 2);
            if (marker is 0xC0 or 0xC1 or 0xC2) { list.Add(p + 5); list.Add(p + 7); list.Add(p + 9); }
            p += 2 + BinaryPrimitives.ReadUInt16BigEndian(seed.AsSpan(p + 2));
        }
        return list;
    }
}

/// <summary>The registry of fuzzed formats; DICOM adds its target here.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } = [new NiftiTarget(), new PngTarget(), new JpegTarget(), .. DicomTarget.All];

    public static IFuzzTarget Named(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown fuzz target '{name}' (known: {string.Join(", ", All.Select(t => t.Name))})");
}
