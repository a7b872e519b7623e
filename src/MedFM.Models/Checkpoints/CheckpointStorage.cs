using System.IO.Compression;

namespace MedFM.Models.Checkpoints;

/// <summary>
/// The bytes behind one or more checkpoint tensors (a PyTorch storage, a safetensors byte range, a NumPy buffer).
/// Bytes are read on demand from the memory-mapped file, so opening a checkpoint costs no tensor data reads.
/// Tensors sharing a storage (views, tied weights) hold the same instance.
/// </summary>
public abstract class CheckpointStorage
{
    private protected CheckpointStorage(string file, string entry, long byteLength, bool bigEndian)
    {
        File = file;
        Entry = entry;
        ByteLength = byteLength;
        BigEndian = bigEndian;
    }

    /// <summary>The checkpoint file the bytes come from.</summary>
    public string File { get; }

    /// <summary>Where in the file (zip member, storage key, tensor name), for messages.</summary>
    public string Entry { get; }

    public long ByteLength { get; }

    /// <summary>True when the stored elements are big-endian (old checkpoints written on big-endian machines).</summary>
    public bool BigEndian { get; }

    /// <summary>length bytes starting at offset within the storage. Valid until the owning checkpoint is disposed.</summary>
    public abstract ReadOnlySpan<byte> GetBytes(long offset, int length);

    /// <summary>Says the bytes in [offset, offset + length) were consumed: a memory-mapped file lets the OS drop their pages from this process.</summary>
    public virtual void Consumed(long offset, long length) { }

    /// <summary>A storage over an in-memory buffer.</summary>
    public static CheckpointStorage FromBytes(byte[] data, string entry = "<memory>", bool bigEndian = false) =>
        new SourceStorage(new ArraySource(data, "<memory>"), 0, data.Length, entry, bigEndian);

    protected void CheckRange(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset > ByteLength - length)
            throw new CheckpointFormatException(File, Entry, offset, $"bytes [{offset}, {offset + length}) lie outside the storage of {ByteLength} bytes");
    }
}

/// <summary>A byte range of a file or buffer.</summary>
internal sealed class SourceStorage(ByteSource source, long start, long length, string entry, bool bigEndian)
    : CheckpointStorage(source.Name, entry, length, bigEndian)
{
    public long Start => start;

    public override ReadOnlySpan<byte> GetBytes(long offset, int length)
    {
        CheckRange(offset, length);
        return source.Span(start + offset, length);
    }

    public override void Consumed(long offset, long length) => source.Evict(start + offset, length);
}

/// <summary>A deflate-compressed zip member (re-zipped checkpoints), inflated on first access.</summary>
internal sealed class InflatedStorage : CheckpointStorage
{
    private readonly ByteSource _source;
    private readonly long _start, _compressedLength;
    private byte[]? _data;

    public InflatedStorage(ByteSource source, long start, long compressedLength, long length, string entry, bool bigEndian)
        : base(source.Name, entry, length, bigEndian) => (_source, _start, _compressedLength) = (source, start, compressedLength);

    public override ReadOnlySpan<byte> GetBytes(long offset, int length)
    {
        CheckRange(offset, length);
        return Inflate().AsSpan((int)offset, length);
    }

    private byte[] Inflate()
    {
        if (_data is not null) return _data;
        if (ByteLength > Array.MaxLength || _compressedLength > int.MaxValue)
            throw new CheckpointFormatException(File, Entry, null, $"compressed member of {ByteLength} bytes is too large to inflate in memory");
        var data = new byte[ByteLength];
        try
        {
            unsafe
            {
                fixed (byte* p = _source.Span(_start, (int)_compressedLength))
                {
                    using var ums = new UnmanagedMemoryStream(p, _compressedLength);
                    using var z = new DeflateStream(ums, CompressionMode.Decompress);
                    int total = 0, n;
                    while (total < data.Length && (n = z.Read(data, total, data.Length - total)) > 0) total += n;
                    if (total != data.Length || z.Read(new byte[1], 0, 1) != 0)
                        throw new CheckpointFormatException(File, Entry, null, $"inflated size differs from the {ByteLength} bytes the zip directory declares");
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException(File, Entry, null, "corrupt deflate data: " + e.Message);
        }
        return _data = data;
    }
}

/// <summary>A window of another storage (legacy storage views).</summary>
internal sealed class SliceStorage(CheckpointStorage parent, long start, long length, string entry)
    : CheckpointStorage(parent.File, entry, length, parent.BigEndian)
{
    public override ReadOnlySpan<byte> GetBytes(long offset, int length)
    {
        CheckRange(offset, length);
        return parent.GetBytes(start + offset, length);
    }
}

/// <summary>
/// A storage whose bytes are located only after the pickle is read (legacy .pth files keep the data after the
/// pickle). Bound once; reading before binding is a format error.
/// </summary>
internal sealed class DeferredStorage(string file, string entry, long length, bool bigEndian)
    : CheckpointStorage(file, entry, length, bigEndian)
{
    private CheckpointStorage? _target;

    public bool IsBound => _target is not null;

    public void Bind(CheckpointStorage target) => _target = target;

    public override ReadOnlySpan<byte> GetBytes(long offset, int length)
    {
        CheckRange(offset, length);
        var t = _target ?? throw new CheckpointFormatException(File, Entry, null, "storage data was never found in the file");
        return t.GetBytes(offset, length);
    }
}
