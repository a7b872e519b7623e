using System.Buffers;
using System.IO.Compression;

namespace MedFM.Imaging.IO;

/// <summary>
/// A file opened for reading, inflated when it starts with the gzip magic. When <see cref="NativeGzip"/> will inflate
/// it, a gzip file is first read whole (one read into a pooled buffer, <see cref="Compressed"/>) and
/// <see cref="Stream"/> inflates from that copy; otherwise <see cref="Stream"/> reads the file itself.
/// </summary>
internal sealed class GzipSource : IDisposable
{
    private byte[]? _rented;

    private GzipSource(Stream stream, bool gzipped, long length, ArraySegment<byte> compressed, byte[]? rented)
    {
        Stream = stream;
        Gzipped = gzipped;
        Length = length;
        Compressed = compressed;
        _rented = rented;
    }

    public Stream Stream { get; }

    /// <summary>True when the file starts with the gzip magic.</summary>
    public bool Gzipped { get; }

    /// <summary>The file's length in bytes (compressed length for gzip).</summary>
    public long Length { get; }

    /// <summary>The whole compressed file when it was read into memory, else an empty segment.</summary>
    public ArraySegment<byte> Compressed { get; }

    /// <summary>Opens <paramref name="path"/>; a gzip file of at most <paramref name="maxWhole"/> bytes is read whole.</summary>
    public static GzipSource Open(string path, long maxWhole)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long length = RandomAccess.GetLength(handle);
            Span<byte> magic = stackalloc byte[2];
            bool gz = RandomAccess.Read(handle, magic, 0) == 2 && ByteSource.IsGzip(magic);
            if (!gz || length > maxWhole)
            {
                var fs = new FileStream(handle, FileAccess.Read, 1 << 16);
                return new GzipSource(gz ? new GZipStream(fs, CompressionMode.Decompress) : fs, gz, length, default, null);
            }
            var rented = PooledBuffers.Rent((int)length);
            int got = 0;
            while (got < length)
            {
                int r = RandomAccess.Read(handle, rented.AsSpan(got, (int)length - got), got);
                if (r == 0) break; // the file shrank while being read: what was read is what there is
                got += r;
            }
            handle.Dispose();
            var compressed = new ArraySegment<byte>(rented, 0, got);
            var z = new GZipStream(new MemoryStream(rented, 0, got, writable: false), CompressionMode.Decompress);
            return new GzipSource(z, true, length, compressed, rented);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        if (Interlocked.Exchange(ref _rented, null) is { } r) PooledBuffers.Return(r);
    }
}

/// <summary>
/// Scratch byte buffers of the whole-buffer gzip path: up to 64 MB they come from <see cref="ArrayPool{T}.Shared"/>
/// (kept between reads, trimmed by the pool when unused), their pages faulted in at once when the pool hands out fresh
/// memory; larger ones are allocated for the one read. Page faults dominate on the machine of record: a fresh 7.1 MB
/// buffer written page by page cost about as much as inflating into it.
/// </summary>
internal static class PooledBuffers
{
    private const int MaxPooled = 64 << 20;

    public static byte[] Rent(int length)
    {
        if (length > MaxPooled) return LargeArray.Uninitialized<byte>(length, 256 << 10);
        var a = ArrayPool<byte>.Shared.Rent(length);
        LargeArray.Prefault(a, 256 << 10);
        return a;
    }

    public static void Return(byte[] a)
    {
        if (a.Length <= MaxPooled) ArrayPool<byte>.Shared.Return(a);
    }
}
