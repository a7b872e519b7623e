namespace MedFM.Imaging.Png;

/// <summary>A read-only stream over the data of consecutive IDAT chunks, without copying them together.</summary>
internal sealed class IdatStream(byte[] file, List<(int Offset, int Length)> segments) : Stream
{
    private int _segment, _within;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_segment < segments.Count && _within == segments[_segment].Length) { _segment++; _within = 0; }
        if (_segment == segments.Count || buffer.IsEmpty) return 0;
        var (off, len) = segments[_segment];
        int n = Math.Min(buffer.Length, len - _within);
        file.AsSpan(off + _within, n).CopyTo(buffer);
        _within += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
