using System.Buffers.Binary;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// RLE Lossless (PS3.5 Annex G): a 64-byte header of up to 15 segment offsets, then one PackBits segment per sample
/// and byte plane (most significant byte first). Decodes a frame into native little-endian, interleaved samples.
/// </summary>
internal static class RleDecoder
{
    public static void Decode(ReadOnlySpan<byte> frame, DicomPixelInfo p, Span<byte> dst, string? path, long offset)
    {
        int bytesPerSample = p.BitsAllocated == 1 ? 1 : p.BitsAllocated / 8;
        if (p.BitsAllocated == 1)
            throw new DicomUnsupportedException(path, offset, DicomTags.PixelData, "RLE with 1-bit pixels");
        int expected = bytesPerSample * p.SamplesPerPixel;
        if (frame.Length < 64) throw Bad(path, offset, $"RLE frame of {frame.Length} bytes is shorter than its 64-byte header");
        int segments = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (segments != expected)
            throw Bad(path, offset, $"RLE header has {segments} segments, {expected} expected ({p.SamplesPerPixel} sample(s) × {bytesPerSample} byte(s))");
        int pixels = checked((int)p.PixelsPerFrame);
        Span<int> starts = stackalloc int[16];
        for (int s = 0; s < segments; s++)
        {
            uint o = BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 + 4 * s)..]);
            if (o < 64 || o > frame.Length || (s > 0 && o < starts[s - 1]))
                throw Bad(path, offset, $"RLE segment {s} offset {o} is outside 64..{frame.Length} or out of order");
            starts[s] = (int)o;
        }
        starts[segments] = frame.Length;
        var plane = pixels <= 1 << 16 ? stackalloc byte[pixels] : new byte[pixels];
        int stride = expected;
        for (int s = 0; s < segments; s++)
        {
            DecodeSegment(frame[starts[s]..starts[s + 1]], plane, path, offset);
            int sample = s / bytesPerSample, msbIndex = s % bytesPerSample;
            int byteInValue = bytesPerSample - 1 - msbIndex; // little-endian position
            int at = sample * bytesPerSample + byteInValue;
            for (int i = 0; i < pixels; i++) dst[i * stride + at] = plane[i];
        }
    }

    /// <summary>PackBits: n in 0..127 copies n+1 bytes, n in -127..-1 repeats the next byte 1-n times, -128 is a no-op.</summary>
    private static void DecodeSegment(ReadOnlySpan<byte> seg, Span<byte> output, string? path, long offset)
    {
        int o = 0, i = 0;
        while (o < output.Length)
        {
            if (i >= seg.Length)
                throw Bad(path, offset, $"RLE segment ends after {o} of {output.Length} bytes");
            int n = (sbyte)seg[i++];
            if (n >= 0)
            {
                int count = n + 1;
                if (i + count > seg.Length)
                    throw Bad(path, offset, $"RLE literal run of {count} bytes overruns the segment");
                int kept = Math.Min(count, output.Length - o); // a run past the frame's end is padding: dropped
                seg.Slice(i, kept).CopyTo(output[o..]);
                i += count; o += kept;
            }
            else if (n != -128)
            {
                int count = 1 - n;
                if (i >= seg.Length)
                    throw Bad(path, offset, "RLE replicate run without its byte at the end of the segment");
                int kept = Math.Min(count, output.Length - o);
                output.Slice(o, kept).Fill(seg[i++]);
                o += kept;
            }
        }
    }

    private static DicomFormatException Bad(string? path, long offset, string detail) => new(path, offset, DicomTags.PixelData, detail);
}
