using System.IO.Compression;
using Microsoft.Win32.SafeHandles;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Reads Part-10 files (preamble, "DICM", file meta group, dataset in the transfer syntax the meta names), files with a
/// meta group but no preamble, and raw datasets without meta (implicit or explicit VR little endian, guessed from the
/// first element). Deflated datasets are inflated (bounded by the deflate ratio). Bad input throws
/// <see cref="DicomFormatException"/> naming file, tag and offset.
/// </summary>
public static class DicomFileReader
{
    /// <summary>Largest dataset a deflated file may inflate to.</summary>
    public const long MaxInflatedBytes = int.MaxValue - 64;

    private const int FirstHeaderChunk = 16 * 1024;

    /// <summary>Reads a whole file: header and pixel data.</summary>
    public static DicomFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var handle = OpenHandle(path);
        return Parse(ReadAllBytes(handle, path), path, headerOnly: false, partial: false);
    }

    /// <summary>
    /// Reads the header only: stops at the first top-level element at or after (7FE0,0000) (pixel data), and reads just
    /// the head of the file when that suffices.
    /// </summary>
    public static DicomFile ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var handle = OpenHandle(path);
        return ReadHeader(handle, path);
    }

    /// <summary>
    /// Reads the header of an open file: its first 16 KB, then 256 KB, and the whole file only when the header is longer
    /// (a CT header is a few KB; reading more would copy pixel bytes that are thrown away).
    /// </summary>
    internal static DicomFile ReadHeader(SafeFileHandle handle, string path)
    {
        long length = RandomAccess.GetLength(handle);
        for (long chunk = FirstHeaderChunk; chunk < length; chunk *= 16)
        {
            var head = GC.AllocateUninitializedArray<byte>((int)chunk);
            ReadExactlyAt(handle, head, 0, path);
            try { return Parse(head, path, headerOnly: true, partial: true); }
            catch (DicomParser.NeedMoreDataException) { /* the header is longer: read more */ }
        }
        return Parse(ReadAllBytes(handle, path), path, headerOnly: true, partial: false);
    }

    /// <summary>Parses in-memory bytes; <paramref name="name"/> is used in error messages.</summary>
    public static DicomFile Read(byte[] bytes, string? name = null, bool headerOnly = false)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Parse(bytes, name, headerOnly, partial: false);
    }

    /// <summary>True when the bytes look like DICOM: "DICM" at 128, or a plausible first element of a raw dataset.</summary>
    public static bool LooksLikeDicom(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 132 && head.Slice(128, 4).SequenceEqual("DICM"u8)) return true;
        if (head.Length < 8) return false;
        ushort group = (ushort)(head[0] | head[1] << 8);
        bool vrOk = DicomVRs.TryParse(head[4], head[5], out _);
        return group is 0x0002 or 0x0008 && (vrOk || (head[4] | head[5] << 8 | head[6] << 16 | head[7] << 24) < 1 << 16);
    }

    /// <summary>Opens a file for reading (no stream buffer: reads go straight into the caller's arrays).</summary>
    internal static SafeFileHandle OpenHandle(string path)
    {
        try { return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DicomFormatException(path, null, null, "file not found", e);
        }
    }

    private static byte[] ReadAllBytes(SafeFileHandle handle, string path)
    {
        long length = RandomAccess.GetLength(handle);
        if (length > int.MaxValue - 64) throw new DicomUnsupportedException(path, 0, null, $"file of {length} bytes is larger than 2 GB");
        var buf = GC.AllocateUninitializedArray<byte>((int)length);
        ReadExactlyAt(handle, buf, 0, path);
        return buf;
    }

    /// <summary>Fills <paramref name="into"/> from <paramref name="offset"/>; a file that ends first is a format error.</summary>
    internal static void ReadExactlyAt(SafeFileHandle handle, Span<byte> into, long offset, string? path)
    {
        while (into.Length > 0)
        {
            int n = RandomAccess.Read(handle, into, offset);
            if (n <= 0) throw new DicomFormatException(path, offset, null, $"the file ends at byte {offset}, {into.Length} more bytes expected");
            into = into[n..];
            offset += n;
        }
    }

    private static DicomFile Parse(byte[] buf, string? path, bool headerOnly, bool partial)
    {
        var meta = new DicomDataset();
        int pos = 0;
        bool preamble = buf.Length >= 132 && buf.AsSpan(128, 4).SequenceEqual("DICM"u8);
        if (preamble) pos = 132;
        bool hasMeta = buf.Length - pos >= 8 && buf[pos] == 0x02 && buf[pos + 1] == 0x00;
        if (!preamble && !hasMeta && !LooksLikeDicom(buf))
            throw new DicomFormatException(path, 128, null, "not a DICOM file: no \"DICM\" at byte 128 and no recognisable first element");
        TransferSyntax ts;
        if (hasMeta)
        {
            bool metaExplicit = DicomVRs.TryParse(buf[pos + 4], buf[pos + 5], out _);
            var mp = new DicomParser(buf, pos, path, 0, partial);
            mp.ReadMetaGroup(meta, metaExplicit);
            pos = mp.Position;
            var uid = meta.GetString(DicomTags.TransferSyntaxUID);
            ts = uid is null ? GuessSyntax(buf, pos) : TransferSyntax.FromUid(uid);
        }
        else ts = GuessSyntax(buf, pos);

        var data = buf;
        long baseOffset = 0;
        if (ts.Deflated)
        {
            if (partial) throw new DicomParser.NeedMoreDataException(); // inflate from the whole file
            data = Inflate(buf, pos, path);
            baseOffset = 0;
            pos = 0;
        }
        var dataset = new DicomDataset();
        var parser = new DicomParser(data, pos, path, baseOffset, partial)
        {
            ExplicitVR = ts.ExplicitVR,
            BigEndian = ts.BigEndian,
            Encapsulated = ts.IsEncapsulated,
            StopAt = headerOnly ? new DicomTag(0x7FE0, 0x0000) : null,
        };
        parser.ReadDataset(dataset);
        return new DicomFile(path, meta, dataset, ts, preamble, headerOnly, headerOnly ? null : buf)
        {
            HeaderEnd = parser.Stopped && !ts.Deflated ? parser.Position : -1,
        };
    }

    /// <summary>A raw dataset: explicit VR when bytes 4-5 of the first element spell a VR, else implicit; little endian.</summary>
    private static TransferSyntax GuessSyntax(byte[] buf, int pos) =>
        buf.Length - pos >= 6 && DicomVRs.TryParse(buf[pos + 4], buf[pos + 5], out _)
            ? TransferSyntax.ExplicitVRLittleEndian
            : TransferSyntax.ImplicitVRLittleEndian;

    private static byte[] Inflate(byte[] buf, int pos, string? path)
    {
        long limit = Math.Min(MaxInflatedBytes, Math.Max(1 << 20, (long)(buf.Length - pos) * IO.ByteSource.MaxDeflateRatio));
        try
        {
            using var z = new DeflateStream(new MemoryStream(buf, pos, buf.Length - pos, writable: false), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            var chunk = new byte[1 << 16];
            int n;
            while ((n = z.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (ms.Length + n > limit)
                    throw new DicomFormatException(path, pos, null, $"deflated dataset inflates past {limit} bytes");
                ms.Write(chunk, 0, n);
            }
            return ms.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DicomFormatException(path, pos, null, "the deflated dataset is not a valid deflate stream: " + e.Message, e);
        }
    }
}
