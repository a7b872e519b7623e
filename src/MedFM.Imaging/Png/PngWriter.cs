using System.Buffers.Binary;
using System.IO.Compression;
using MedFM.Imaging.IO;

namespace MedFM.Imaging.Png;

/// <summary>
/// Writes 2-D volumes as PNG (non-interlaced): 1 component → grey, 2 → grey+alpha, 3 → RGB, 4 → RGBA;
/// UInt8 → 8-bit, UInt16 → 16-bit. Other voxel types must be converted first (e.g. <c>WindowToUInt8</c>).
/// Files are written through a temporary file and a rename.
/// </summary>
public static class PngWriter
{
    public static void Write(Volume image, string path, PngWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = ToBytes(image, options);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    public static byte[] ToBytes(Volume image, PngWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options ??= PngWriteOptions.Default;
        if (image.Depth != 1 || image.Frames != 1)
            throw new VolumeShapeException($"PNG holds one 2-D image; the volume is {image.Shape} (take a Slice first)");
        if (image.VoxelType is not (VoxelType.UInt8 or VoxelType.UInt16))
            throw new VoxelTypeMismatchException($"PNG stores UInt8 or UInt16 samples, the volume is {image.VoxelType}: convert or window it first");
        if (image.Components is < 1 or > 4)
            throw new VolumeShapeException($"PNG has 1 to 4 channels, the volume has {image.Components}");
        var type = image.Components switch
        {
            1 => PngColorType.Grey,
            2 => PngColorType.GreyAlpha,
            3 => PngColorType.Rgb,
            _ => PngColorType.Rgba,
        };
        int depth = image.VoxelType == VoxelType.UInt16 ? 16 : 8;
        using var ms = new MemoryStream();
        ms.Write(PngReader.Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), image.Height);
        ihdr[8] = (byte)depth; ihdr[9] = (byte)type;
        WriteChunk(ms, "IHDR"u8, ihdr);
        WriteChunk(ms, "IDAT"u8, Compress(image, depth, options));
        WriteChunk(ms, "IEND"u8, []);
        return ms.ToArray();
    }

    private static byte[] Compress(Volume image, int depth, PngWriteOptions options)
    {
        int bpp = image.Components * depth / 8;
        int rowBytes = image.Width * bpp;
        var prior = new byte[rowBytes];
        var row = new byte[rowBytes];
        var filtered = new byte[rowBytes];
        var best = new byte[rowBytes];
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, options.CompressionLevel, leaveOpen: true))
        {
            for (int y = 0; y < image.Height; y++)
            {
                FillRow(image, y, row);
                var type = options.Filter;
                if (type == PngFilter.Adaptive)
                {
                    long bestScore = long.MaxValue;
                    for (var f = PngFilter.None; f <= PngFilter.Paeth; f++)
                    {
                        PngFilters.Filter(f, row, prior, bpp, filtered);
                        long score = 0;
                        foreach (var b in filtered) score += Math.Abs((int)(sbyte)b);
                        if (score < bestScore) { bestScore = score; type = f; filtered.CopyTo(best, 0); }
                    }
                }
                else PngFilters.Filter(type, row, prior, bpp, best);
                z.WriteByte((byte)type);
                z.Write(best);
                (prior, row) = (row, prior);
            }
        }
        return ms.ToArray();
    }

    private static void FillRow(Volume image, int y, byte[] row)
    {
        int n = image.Width * image.Components;
        if (image.VoxelType == VoxelType.UInt8)
        {
            image.GetData<byte>().Slice(y * n, n).CopyTo(row);
            return;
        }
        var src = image.GetData<ushort>().Slice(y * n, n);
        for (int i = 0; i < n; i++) BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(2 * i), src[i]);
    }

    private static void WriteChunk(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        s.Write(word);
        s.Write(type);
        s.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(type, data));
        s.Write(word);
    }
}
