using System.Buffers.Binary;

namespace MedFM.Imaging.Png;

/// <summary>The chunks of a PNG that decoding needs: IHDR, PLTE, tRNS and where the IDAT data lie.</summary>
internal sealed class PngChunks
{
    public required PngHeader Header { get; init; }
    public byte[]? Palette { get; set; }
    public byte[]? Transparency { get; set; }
    public List<(int Offset, int Length)> Idat { get; } = [];
    public int IdatLength { get; set; }
    public int FirstIdatOffset { get; set; }

    public static PngChunks Parse(byte[] b, string? name)
    {
        var chunks = new PngChunks { Header = PngReader.ParseIhdr(b, 8, name) };
        int pos = 8;
        bool first = true;
        while (pos < b.Length)
        {
            if (pos + 8 > b.Length) throw new PngFormatException(name, pos, "file ends inside a chunk header");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(pos));
            if (length > int.MaxValue || pos + 12L + length > b.Length)
                throw new PngFormatException(name, pos, $"chunk length {length} runs past the end of the file ({b.Length} bytes)");
            var type = b.AsSpan(pos + 4, 4);
            foreach (var c in type)
                if (!(c is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z'))
                    throw new PngFormatException(name, pos + 4, $"chunk type bytes {Convert.ToHexString(type)} are not letters");
            var data = b.AsSpan(pos + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(pos + 8 + (int)length));
            bool critical = (type[0] & 0x20) == 0;
            string typeName = System.Text.Encoding.ASCII.GetString(type);
            if (Crc32.Compute(type, data) != stored)
            {
                if (critical) throw new PngFormatException(name, pos + 8 + length, $"CRC mismatch in critical chunk {typeName}");
                pos += 12 + (int)length;
                continue; // ancillary chunk with a bad CRC: ignored, as libpng does by default
            }
            if (first && typeName != "IHDR") throw new PngFormatException(name, pos + 4, $"the first chunk is {typeName}, expected IHDR");
            first = false;
            if (chunks.Accept(typeName, data, pos, name)) break;
            pos += 12 + (int)length;
        }
        if (chunks.Idat.Count == 0) throw new PngFormatException(name, pos, "no IDAT chunk: the image has no data");
        if (chunks.Header.ColorType == PngColorType.Palette && chunks.Palette is null)
            throw new PngFormatException(name, chunks.FirstIdatOffset, "palette image without a PLTE chunk");
        return chunks;
    }

    /// <summary>Handles one chunk; returns true at IEND.</summary>
    private bool Accept(string type, ReadOnlySpan<byte> data, int pos, string? name)
    {
        switch (type)
        {
            case "IHDR":
                if (pos != 8) throw new PngFormatException(name, pos, "a second IHDR chunk");
                return false;
            case "PLTE":
                if (data.Length == 0 || data.Length % 3 != 0 || data.Length > 768)
                    throw new PngFormatException(name, pos, $"PLTE length {data.Length} is not 3 × (1..256)");
                if (Palette is not null || Idat.Count > 0) throw new PngFormatException(name, pos, "PLTE repeated or after IDAT");
                Palette = data.ToArray();
                return false;
            case "tRNS":
                Transparency = data.ToArray();
                return false;
            case "IDAT":
                if (Idat.Count == 0) FirstIdatOffset = pos;
                Idat.Add((pos + 8, data.Length));
                IdatLength = checked(IdatLength + data.Length);
                return false;
            case "IEND":
                return true;
            default:
                if ((type[0] & 0x20) == 0)
                    throw new UnsupportedImageFeatureException("PNG", name, pos + 4, $"unknown critical chunk {type}");
                return false;
        }
    }
}
