using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace MedFM.Models.Checkpoints;

/// <summary>The bytes of a checkpoint file: a memory-mapped file or an in-memory buffer.</summary>
internal abstract class ByteSource : IDisposable
{
    /// <summary>The file name (or the name given to a buffer), for messages.</summary>
    public abstract string Name { get; }

    public abstract long Length { get; }

    /// <summary>length bytes from offset. The span is valid until the source is disposed.</summary>
    public abstract ReadOnlySpan<byte> Span(long offset, int length);

    public virtual void Dispose() { }

    /// <summary>Tells the OS this process is done with [offset, offset + length) for now (a mapping drops its pages).</summary>
    public virtual void Evict(long offset, long length) { }

    /// <summary>Maps a file read-only (an empty file becomes an empty buffer: mapping needs at least one byte).</summary>
    public static ByteSource Open(string path)
    {
        var length = new FileInfo(path).Length;
        return length == 0 ? new ArraySource([], path) : new MappedFileSource(path, length);
    }

    protected void Check(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset > Length - length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"bytes [{offset}, {offset + length}) lie outside {Name} ({Length} bytes)");
    }
}

internal sealed class ArraySource(byte[] data, string name) : ByteSource
{
    public override string Name => name;

    public override long Length => data.Length;

    public override ReadOnlySpan<byte> Span(long offset, int length)
    {
        Check(offset, length);
        return data.AsSpan((int)offset, length);
    }
}

/// <summary>A read-only memory mapping of a whole file; tensors read their bytes from it on demand.</summary>
internal sealed unsafe class MappedFileSource : ByteSource
{
    private readonly string _name;
    private readonly long _length;
    private MemoryMappedFile? _file;
    private MemoryMappedViewAccessor? _view;
    private byte* _pointer;

    public MappedFileSource(string path, long length)
    {
        _name = path;
        _length = length;
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        _file = MemoryMappedFile.CreateFromFile(fs, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        try
        {
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _pointer = p + _view.PointerOffset;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public override string Name => _name;

    public override long Length => _length;

    public override ReadOnlySpan<byte> Span(long offset, int length)
    {
        if (_pointer == null) throw new ObjectDisposedException(_name, "the checkpoint was disposed; its tensors can no longer be read");
        Check(offset, length);
        return new ReadOnlySpan<byte>(_pointer + offset, length);
    }

    /// <summary>
    /// Drops the whole pages of the range from this process (madvise DONTNEED; they stay in the page cache and
    /// fault back in if read again), so a checkpoint converted entry by entry never holds its whole file resident.
    /// </summary>
    public override void Evict(long offset, long length)
    {
        if (_pointer == null || !OperatingSystem.IsLinux() || length <= 0) return;
        long page = Environment.SystemPageSize;
        long start = ((long)(_pointer + offset) + page - 1) / page * page, end = ((long)(_pointer + offset + length)) / page * page;
        if (end > start) _ = madvise((nint)start, (nuint)(end - start), MadvDontNeed);
    }

    private const int MadvDontNeed = 4;

    [DllImport("libc", SetLastError = false)]
    private static extern int madvise(nint address, nuint length, int advice);

    public override void Dispose()
    {
        if (_pointer != null)
        {
            _pointer = null;
            _view!.SafeMemoryMappedViewHandle.ReleasePointer();
        }
        _view?.Dispose();
        _view = null;
        _file?.Dispose();
        _file = null;
    }
}
