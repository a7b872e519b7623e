using System.Buffers.Binary;
using System.Text;

namespace MedFM.Models.Checkpoints.Torch;

/// <summary>One member of a zip archive, located in the file (its data offset comes from its local header).</summary>
internal sealed record ZipEntry(string Name, int Method, long CompressedSize, long Size, long DataOffset);

/// <summary>
/// A minimal reader of a zip archive's central directory (PKWARE APPNOTE.TXT: end of central directory record,
/// ZIP64 locator and record, central file headers with the ZIP64 extra field, local file headers), enough for
/// PyTorch's archives (github.com/pytorch/pytorch caffe2/serialize/inline_container.cc writes stored, 64-byte
/// aligned members). It yields each member's data offset so stored tensors are read in place from the mapping.
/// Every offset and size is checked against the file.
/// </summary>
internal static class ZipDirectory
{
    private const uint EocdSig = 0x06054b50, Zip64LocatorSig = 0x07064b50, Zip64EocdSig = 0x06064b50;
    private const uint CentralSig = 0x02014b50, LocalSig = 0x04034b50;

    public static IReadOnlyList<ZipEntry> Read(ByteSource src)
    {
        long eocd = FindEocd(src);
        var e = src.Span(eocd, 22);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(e[10..]);
        long cdSize = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
        long cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(e[16..]);
        if (count == 0xFFFF || cdSize == 0xFFFFFFFF || cdOffset == 0xFFFFFFFF)
            (count, cdSize, cdOffset) = ReadZip64(src, eocd);
        if (cdOffset < 0 || cdSize < 0 || cdOffset > eocd || cdSize > eocd - cdOffset)
            throw Bad(src, eocd, $"central directory [{cdOffset}, +{cdSize}) lies outside the file");
        if (count > cdSize / 46) throw Bad(src, eocd, $"{count} entries cannot fit a {cdSize}-byte central directory");
        var entries = new List<ZipEntry>((int)count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        long p = cdOffset, end = cdOffset + cdSize;
        for (long i = 0; i < count; i++)
        {
            var entry = ReadCentral(src, ref p, end, cdOffset);
            if (!names.Add(entry.Name)) throw Bad(src, p, $"the member '{entry.Name}' appears twice");
            entries.Add(entry);
        }
        return entries;
    }

    private static long FindEocd(ByteSource src)
    {
        if (src.Length < 22) throw Bad(src, 0, $"truncated: {src.Length} bytes cannot hold a zip directory");
        long lowest = Math.Max(0, src.Length - 22 - 0xFFFF);
        var tail = src.Span(lowest, (int)(src.Length - lowest));
        for (int i = tail.Length - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail[i..]) != EocdSig) continue;
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(tail[(i + 20)..]);
            if (i + 22 + commentLength == tail.Length) return lowest + i;
        }
        throw Bad(src, src.Length, "no end-of-central-directory record: not a zip archive, or truncated");
    }

    private static (long Count, long Size, long Offset) ReadZip64(ByteSource src, long eocd)
    {
        if (eocd < 20) throw Bad(src, eocd, "ZIP64 locator missing");
        var loc = src.Span(eocd - 20, 20);
        if (BinaryPrimitives.ReadUInt32LittleEndian(loc) != Zip64LocatorSig) throw Bad(src, eocd - 20, "ZIP64 locator missing");
        ulong rec = BinaryPrimitives.ReadUInt64LittleEndian(loc[8..]);
        if (rec > (ulong)(eocd - 20 - 56)) throw Bad(src, eocd - 20, $"ZIP64 record offset {rec} lies outside the file");
        var r = src.Span((long)rec, 56);
        if (BinaryPrimitives.ReadUInt32LittleEndian(r) != Zip64EocdSig) throw Bad(src, (long)rec, "bad ZIP64 end-of-central-directory signature");
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(r[32..]);
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(r[40..]);
        ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(r[48..]);
        if (count > int.MaxValue || size > long.MaxValue || offset > long.MaxValue) throw Bad(src, (long)rec, "ZIP64 directory fields out of range");
        return ((long)count, (long)size, (long)offset);
    }

    private static ZipEntry ReadCentral(ByteSource src, ref long p, long end, long cdOffset)
    {
        if (end - p < 46) throw Bad(src, p, "truncated central directory");
        var h = src.Span(p, 46);
        if (BinaryPrimitives.ReadUInt32LittleEndian(h) != CentralSig) throw Bad(src, p, "bad central directory signature");
        int flags = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
        int method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
        long csize = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
        long usize = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
        int nameLen = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
        int extraLen = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
        int commentLen = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
        long local = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
        long recordEnd = p + 46 + nameLen + extraLen + commentLen;
        if (recordEnd > end) throw Bad(src, p, "central directory record runs past the directory");
        var name = Encoding.UTF8.GetString(src.Span(p + 46, nameLen));
        var extra = src.Span(p + 46 + nameLen, extraLen);
        ApplyZip64Extra(src, p, extra, ref usize, ref csize, ref local);
        if ((flags & 1) != 0) throw Bad(src, p, $"member '{name}' is encrypted");
        if (method is not (0 or 8)) throw Bad(src, p, $"member '{name}' uses compression method {method} (only stored and deflate are supported)");
        if (method == 0 && csize != usize) throw Bad(src, p, $"stored member '{name}' declares {csize} compressed but {usize} uncompressed bytes");
        // Deflate expands at most 1032:1; a larger claim is a bomb or corruption, refused before anything is allocated.
        if (method == 8 && usize > csize * 1032 + 1024) throw Bad(src, p, $"deflated member '{name}' claims {usize} bytes from {csize} compressed bytes");
        long data = LocalDataOffset(src, local, name, cdOffset);
        if (csize > cdOffset - data) throw Bad(src, local, $"member '{name}' ({csize} bytes at {data}) runs into the central directory");
        p = recordEnd;
        return new ZipEntry(name, method, csize, usize, data);
    }

    /// <summary>The ZIP64 extra field (id 1) holds, in order, the sizes and offset whose 32-bit fields are 0xFFFFFFFF.</summary>
    private static void ApplyZip64Extra(ByteSource src, long at, ReadOnlySpan<byte> extra, ref long usize, ref long csize, ref long local)
    {
        while (extra.Length >= 4)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int len = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (len > extra.Length - 4) throw Bad(src, at, "extra field runs past its record");
            var body = extra.Slice(4, len);
            extra = extra[(4 + len)..];
            if (id != 1) continue;
            int k = 0;
            long Next(ReadOnlySpan<byte> b, ref int k)
            {
                if (k + 8 > b.Length) throw Bad(src, at, "ZIP64 extra field too short");
                ulong v = BinaryPrimitives.ReadUInt64LittleEndian(b[k..]);
                k += 8;
                return v > long.MaxValue ? throw Bad(src, at, "ZIP64 size out of range") : (long)v;
            }
            if (usize == 0xFFFFFFFF) usize = Next(body, ref k);
            if (csize == 0xFFFFFFFF) csize = Next(body, ref k);
            if (local == 0xFFFFFFFF) local = Next(body, ref k);
        }
    }

    private static long LocalDataOffset(ByteSource src, long local, string name, long cdOffset)
    {
        if (local < 0 || local > cdOffset - 30) throw Bad(src, local, $"local header of '{name}' lies outside the file");
        var h = src.Span(local, 30);
        if (BinaryPrimitives.ReadUInt32LittleEndian(h) != LocalSig) throw Bad(src, local, $"bad local header signature for '{name}'");
        int nameLen = BinaryPrimitives.ReadUInt16LittleEndian(h[26..]);
        int extraLen = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
        long data = local + 30 + nameLen + extraLen;
        if (data > cdOffset) throw Bad(src, local, $"local header of '{name}' runs into the central directory");
        return data;
    }

    private static CheckpointFormatException Bad(ByteSource src, long offset, string message) =>
        new(src.Name, null, offset, "bad zip archive: " + message);
}
