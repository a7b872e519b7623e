using System.Buffers.Binary;
using System.IO.Compression;

namespace MedFM.Imaging.Png;

/// <summary>
/// Decodes PNG images (reference: PNG specification, W3C Recommendation, 2nd/3rd ed.): every colour type and bit
/// depth, Adam7 interlacing, the five filters, CRC checks (a bad CRC on a critical chunk is an error, on an ancillary
/// chunk the chunk is ignored, as libpng does), zlib through <see cref="ZLibStream"/>.
/// The result is a 2-D <see cref="Volume"/> (Depth 1, unknown geometry): rows top to bottom, components
/// 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; UInt8, or UInt16 for 16-bit images. Grey images of 1, 2 or 4 bits are
/// scaled to 0..255 (as PIL's "L"); palette images expand to RGB, or RGBA when tRNS is present (out-of-range
/// indices give opaque black, as libpng), unless <see cref="PngReadOptions.KeepPaletteIndices"/>. tRNS of grey/RGB
/// images is ignored (no alpha is synthesised).
/// </summary>
public static partial class PngReader
{
    public static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>True when the bytes start with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> head) => head.Length >= 8 && head[..8].SequenceEqual(Signature);

    /// <summary>Reads the signature and IHDR only.</summary>
    public static PngHeader Identify(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var head = IO.ByteSource.ReadHead(path, 33);
        CheckSignature(head, path);
        return ParseIhdr(head, 8, path);
    }

    public static Volume Read(string path, PngReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(File.ReadAllBytes(path), path, options);
    }

    public static Volume Read(byte[] bytes, string? name = null, PngReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        options ??= PngReadOptions.Default;
        CheckSignature(bytes, name);
        var chunks = PngChunks.Parse(bytes, name);
        var h = chunks.Header;
        // The decompressed rows are scratch: pooled, so repeated reads do not fault in fresh memory each time.
        var raw = Inflate(bytes, chunks, name, out int rawLength);
        try { return Decode(h, chunks, raw.AsSpan(0, rawLength), name, options); }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(raw); }
    }

    private static void CheckSignature(ReadOnlySpan<byte> b, string? name)
    {
        if (!IsPng(b))
            throw new PngFormatException(name, 0, b.Length < 8 ? $"file has {b.Length} bytes, too short for a PNG" : "the PNG signature (89 50 4E 47 0D 0A 1A 0A) is missing");
    }

    internal static PngHeader ParseIhdr(ReadOnlySpan<byte> b, int chunkStart, string? name)
    {
        if (b.Length < chunkStart + 8 + 13)
            throw new PngFormatException(name, chunkStart, "file ends inside the IHDR chunk");
        uint length = BinaryPrimitives.ReadUInt32BigEndian(b[chunkStart..]);
        if (!b.Slice(chunkStart + 4, 4).SequenceEqual("IHDR"u8))
            throw new PngFormatException(name, chunkStart + 4, "the first chunk is not IHDR");
        if (length != 13) throw new PngFormatException(name, chunkStart, $"IHDR length is {length}, expected 13");
        var d = b.Slice(chunkStart + 8, 13);
        uint w = BinaryPrimitives.ReadUInt32BigEndian(d), hgt = BinaryPrimitives.ReadUInt32BigEndian(d[4..]);
        int at = chunkStart + 8;
        if (w == 0 || w > int.MaxValue) throw new PngFormatException(name, at, $"width {w} is outside 1..2^31−1");
        if (hgt == 0 || hgt > int.MaxValue) throw new PngFormatException(name, at + 4, $"height {hgt} is outside 1..2^31−1");
        var type = (PngColorType)d[9];
        if (!PngHeader.IsValidCombination(type, d[8]))
            throw new PngFormatException(name, at + 8, $"bit depth {d[8]} with colour type {d[9]} is not a valid PNG combination");
        if (d[10] != 0) throw new PngFormatException(name, at + 10, $"compression method {d[10]}, expected 0");
        if (d[11] != 0) throw new PngFormatException(name, at + 11, $"filter method {d[11]}, expected 0");
        if (d[12] > 1) throw new PngFormatException(name, at + 12, $"interlace method {d[12]}, expected 0 or 1");
        return new PngHeader { Width = (int)w, Height = (int)hgt, BitDepth = d[8], ColorType = type, Interlaced = d[12] == 1 };
    }

    /// <summary>The Adam7 passes (x0, y0, dx, dy); a single full pass when not interlaced.</summary>
    internal static (int X0, int Y0, int Dx, int Dy)[] Passes(bool interlaced) => interlaced
        ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        : [(0, 0, 1, 1)];

    internal static (int W, int H) PassSize(PngHeader h, (int X0, int Y0, int Dx, int Dy) p) =>
        (h.Width > p.X0 ? (h.Width - p.X0 + p.Dx - 1) / p.Dx : 0, h.Height > p.Y0 ? (h.Height - p.Y0 + p.Dy - 1) / p.Dy : 0);

    /// <summary>Total bytes of the filtered (decompressed) image data.</summary>
    internal static long RawSize(PngHeader h)
    {
        long total = 0;
        foreach (var p in Passes(h.Interlaced))
        {
            var (w, hh) = PassSize(h, p);
            if (w > 0 && hh > 0) total += hh * (1 + h.RowBytes(w));
        }
        return total;
    }

    private static byte[] Inflate(byte[] bytes, PngChunks chunks, string? name, out int rawLength)
    {
        var h = chunks.Header;
        if ((double)h.Width * h.Height * h.StoredChannels > Array.MaxLength)
            throw new PngFormatException(name, 16, $"a {h.Width}×{h.Height} image is too large to decode");
        long raw = RawSize(h);
        if (raw > Array.MaxLength)
            throw new PngFormatException(name, 16, $"a {h.Width}×{h.Height} image is too large to decode");
        if (raw > chunks.IdatLength * IO.ByteSource.MaxDeflateRatio + 1024)
            throw new PngFormatException(name, chunks.FirstIdatOffset,
                $"{chunks.IdatLength} bytes of IDAT cannot hold the {raw} bytes a {h.Width}×{h.Height} image needs");
        var pool = System.Buffers.ArrayPool<byte>.Shared;
        var result = pool.Rent((int)raw);
        int got;
        try
        {
            using var z = new ZLibStream(new IdatStream(bytes, chunks.Idat), CompressionMode.Decompress);
            got = z.ReadAtLeast(result.AsSpan(0, (int)raw), (int)raw, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            pool.Return(result);
            // Corrupt deflate data surfaces as InvalidDataException or as the zlib wrapper's IOException subclass.
            throw new PngFormatException(name, chunks.FirstIdatOffset, "the zlib stream in IDAT is corrupt: " + e.Message, e);
        }
        if (got < raw)
        {
            pool.Return(result);
            throw new PngFormatException(name, chunks.FirstIdatOffset, $"image data ends after {got} of {raw} bytes");
        }
        rawLength = (int)raw;
        return result;
    }
}
