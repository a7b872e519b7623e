using System.IO.Compression;

namespace MedFM.Imaging.IO;

/// <summary>Helpers shared by the readers: magic sniffing, gzip detection, bounded full reads.</summary>
public static class ByteSource
{
    /// <summary>
    /// The largest ratio of decompressed to compressed size that deflate can reach (about 1032:1), used to reject
    /// headers that claim more data than a compressed file could possibly hold before anything is allocated.
    /// </summary>
    public const long MaxDeflateRatio = 1032;

    /// <summary>True when the bytes start with the gzip magic 1F 8B.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B;

    /// <summary>Reads up to <paramref name="count"/> leading bytes of a file (fewer when the file is shorter).</summary>
    public static byte[] ReadHead(string path, int count)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        var buf = new byte[count];
        int n = fs.ReadAtLeast(buf, count, throwOnEndOfStream: false);
        return n == count ? buf : buf[..n];
    }

    /// <summary>Opens a file for reading, transparently gunzipping when it starts with the gzip magic.</summary>
    public static Stream OpenMaybeGzip(string path, out bool gzipped, out long fileLength)
    {
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        fileLength = fs.Length;
        Span<byte> magic = stackalloc byte[2];
        int n = fs.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        fs.Position = 0;
        gzipped = n == 2 && IsGzip(magic);
        return gzipped ? new GZipStream(fs, CompressionMode.Decompress, leaveOpen: false) : fs;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the number of bytes read.</summary>
    public static int ReadFully(Stream s, Span<byte> buffer) => s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    /// <summary>Reads and discards <paramref name="count"/> bytes (seeks when possible); returns how many were skipped.</summary>
    public static long Skip(Stream s, long count)
    {
        if (count <= 0) return 0;
        if (s.CanSeek)
        {
            long left = Math.Max(0, s.Length - s.Position);
            long step = Math.Min(left, count);
            s.Seek(step, SeekOrigin.Current);
            return step;
        }
        var buf = new byte[(int)Math.Min(count, 1 << 16)];
        long done = 0;
        while (done < count)
        {
            int n = s.Read(buf, 0, (int)Math.Min(buf.Length, count - done));
            if (n == 0) break;
            done += n;
        }
        return done;
    }
}
