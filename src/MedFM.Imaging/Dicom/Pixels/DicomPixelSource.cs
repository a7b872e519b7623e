namespace MedFM.Imaging.Dicom;

/// <summary>
/// The frames of one file as native little-endian bytes: slices of native pixel data (byte-swapped for big endian),
/// RLE frames decoded here, other encapsulated syntaxes decoded by GDCM (all frames at once, cached).
/// <see cref="Photometric"/> and <see cref="Planar"/> describe the bytes returned, which can differ from the header
/// (RLE output is interleaved; GDCM may convert colour).
/// </summary>
internal sealed class DicomPixelSource
{
    private readonly DicomFile _file;
    private readonly DicomElement _pixelData;
    private byte[]? _decodedAll;

    public DicomPixelSource(DicomFile file, DicomPixelInfo info, bool decodeExternal = true)
    {
        _file = file;
        Info = info;
        if (file.IsHeaderOnly)
            throw new InvalidOperationException("the file was read header-only: read it fully to decode pixels");
        _pixelData = file.Dataset[DicomTags.PixelData]
            ?? throw new DicomFormatException(file.FilePath, null, DicomTags.PixelData, "the dataset has no pixel data");
        Photometric = info.Photometric;
        Planar = info.PlanarConfiguration;
        if (!file.TransferSyntax.IsEncapsulated)
        {
            if (_pixelData.IsEncapsulated)
                throw Bad(_pixelData.Offset, "encapsulated pixel data in a native transfer syntax");
            long need = Photometric == "YBR_FULL_422" ? info.TotalBytes * 2 / 3 : info.TotalBytes;
            if (_pixelData.Length < need)
                throw Bad(_pixelData.Offset, $"pixel data has {_pixelData.Length} bytes, {need} needed for {info.NumberOfFrames} frame(s) of {info.Rows}×{info.Columns}×{info.SamplesPerPixel} at {info.BitsAllocated} bits");
        }
        else if (!_pixelData.IsEncapsulated)
            throw Bad(_pixelData.Offset, $"native pixel data in the encapsulated transfer syntax {file.TransferSyntax.Name}");
        else
        {
            long encoded = 0;
            foreach (var f in _pixelData.Fragments!.Fragments) encoded += f.Length;
            // No codec expands without bound: PackBits at most 64× (2 bytes → 128), and a frame needs some bytes.
            if (file.TransferSyntax.Codec == PixelCodec.Rle && info.TotalBytes > encoded * 64 + 64L * info.NumberOfFrames)
                throw Bad(_pixelData.Offset, $"{encoded} bytes of RLE data cannot hold {info.TotalBytes} bytes of pixels");
            if (file.TransferSyntax.Codec == PixelCodec.Rle) Planar = 0;
            else if (decodeExternal) DecodeAllExternal(); // sets the photometric interpretation and planar configuration of the decoded bytes
        }
    }

    public DicomPixelInfo Info { get; }
    public string Photometric { get; private set; }
    public int Planar { get; private set; }
    public string? Path => _file.FilePath;
    public DicomFile File => _file;

    /// <summary>True when an external codec decoded the frames (its output is never chroma-subsampled).</summary>
    public bool IsDecodedExternally => _decodedAll is not null;

    private DicomFormatException Bad(long offset, string detail) => new(_file.FilePath, offset, DicomTags.PixelData, detail);

    /// <summary>
    /// The native bytes of frame <paramref name="f"/> (for 1-bit data: the packed bytes of all frames, with
    /// <paramref name="bitOffset"/> the first bit of the frame). <paramref name="scratch"/> is reused between calls.
    /// </summary>
    public ReadOnlySpan<byte> Frame(int f, ref byte[]? scratch, out long bitOffset)
    {
        bitOffset = 0;
        var info = Info;
        var ts = _file.TransferSyntax;
        if (!ts.IsEncapsulated)
        {
            if (info.BitsAllocated == 1)
            {
                bitOffset = f * info.PixelsPerFrame;
                return _pixelData.Value.Span;
            }
            if (Photometric == "YBR_FULL_422")
            {
                long bytes422 = info.PixelsPerFrame * 2;
                return Swapped(_pixelData.Value.Span.Slice(checked((int)(f * bytes422)), (int)bytes422), ref scratch);
            }
            var raw = _pixelData.Value.Span.Slice(checked((int)(f * info.FrameBytes)), (int)info.FrameBytes);
            return Swapped(raw, ref scratch);
        }
        if (ts.Codec == PixelCodec.Rle)
        {
            var encoded = EncapsulatedFrame(f);
            EnsureScratch(ref scratch, info.FrameBytes);
            RleDecoder.Decode(encoded, info, scratch, _file.FilePath, _pixelData.Offset);
            return scratch.AsSpan(0, (int)info.FrameBytes);
        }
        var all = DecodeAllExternal();
        return all.AsSpan(checked((int)(f * info.FrameBytes)), (int)info.FrameBytes);
    }

    private ReadOnlySpan<byte> Swapped(ReadOnlySpan<byte> raw, ref byte[]? scratch)
    {
        if (!_pixelData.BigEndian) return raw;
        // Big endian swaps by the element's VR: OW is a stream of 16-bit words whatever the bits allocated (as dcmtk
        // writes 32-bit samples), OB is bytes, OL/OF/OD swap their own unit.
        int size = _pixelData.VR switch { DicomVR.OB => 1, DicomVR.OW => 2, _ => DicomVRs.SwapSize(_pixelData.VR) };
        if (size == 1) return raw;
        EnsureScratch(ref scratch, raw.Length);
        raw.CopyTo(scratch);
        DicomByteOrder.Swap(scratch.AsSpan(0, raw.Length), size);
        return scratch.AsSpan(0, raw.Length);
    }

    private static void EnsureScratch(ref byte[]? scratch, long length)
    {
        if (scratch is null || scratch.Length < length) scratch = new byte[length];
    }

    /// <summary>The encoded bytes of one frame: by extended or basic offset table, one fragment per frame, or all fragments for one frame.</summary>
    public ReadOnlySpan<byte> EncapsulatedFrame(int f)
    {
        var frags = _pixelData.Fragments!;
        int frames = Info.NumberOfFrames;
        if (frags.Count == 0) throw Bad(_pixelData.Offset, "encapsulated pixel data has no fragments");
        (int first, int end) range;
        if (frames == 1) range = (0, frags.Count);
        else if (frags.BasicOffsetTable.Length == frames) range = ByOffsets(frags, f, frags.BasicOffsetTable.Select(x => (long)x).ToArray());
        else if (_file.Dataset[DicomTags.ExtendedOffsetTable] is { } eot && eot.Length / 8 == frames)
            range = ByOffsets(frags, f, Enumerable.Range(0, frames).Select(i => (long)ReadUInt64(eot, i)).ToArray());
        else if (frags.Count == frames) range = (f, f + 1);
        else throw Bad(_pixelData.Offset, $"{frags.Count} fragments for {frames} frames and no usable offset table");
        if (range.end - range.first == 1) return frags.Fragments[range.first].Span;
        var joined = new List<byte>();
        for (int i = range.first; i < range.end; i++) joined.AddRange(frags.Fragments[i].ToArray());
        return joined.ToArray();
    }

    private static ulong ReadUInt64(DicomElement e, int i) =>
        e.BigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(e.Value.Span[(i * 8)..])
                    : System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(e.Value.Span[(i * 8)..]);

    private (int, int) ByOffsets(DicomFragments frags, int f, long[] offsets)
    {
        long start = offsets[f], stop = f + 1 < offsets.Length ? offsets[f + 1] : long.MaxValue;
        int first = -1, end = -1;
        for (int i = 0; i < frags.Count; i++)
        {
            long o = frags.ItemOffsets[i];
            if (o == start) first = i;
            if (first >= 0 && o >= stop) { end = i; break; }
        }
        if (first < 0) throw Bad(_pixelData.Offset, $"offset table entry {start} of frame {f} points at no fragment");
        return (first, end < 0 ? frags.Count : end);
    }

    private byte[] DecodeAllExternal()
    {
        if (_decodedAll is not null) return _decodedAll;
        var ts = _file.TransferSyntax;
        if (ts.Codec == PixelCodec.Other)
            throw new DicomUnsupportedException(_file.FilePath, null, DicomTags.PixelData, $"no decoder for transfer syntax {ts.Uid}");
        long expected = Info.TotalBytes;
        GdcmCodec.Decoded d;
        if (_file.FilePath is { } p && System.IO.File.Exists(p)) d = GdcmCodec.Decode(p, expected);
        else
        {
            var tmp = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "medfm-gdcm-" + Guid.NewGuid().ToString("N") + ".dcm");
            try { System.IO.File.WriteAllBytes(tmp, _file.Source ?? throw Bad(0, "no bytes to hand to GDCM")); d = GdcmCodec.Decode(tmp, expected); }
            finally { System.IO.File.Delete(tmp); }
        }
        if (d.BitsAllocated != Info.BitsAllocated)
            throw Bad(_pixelData.Offset, $"GDCM decoded {d.BitsAllocated}-bit samples, the header says {Info.BitsAllocated}");
        // Decoded bytes are full-resolution: chroma subsampling of the JPEG stream does not survive decoding.
        Photometric = d.Photometric == "YBR_FULL_422" ? "YBR_FULL" : d.Photometric;
        Planar = Info.SamplesPerPixel == 3 ? d.PlanarConfiguration : 0;
        _decodedAll = d.Pixels;
        return _decodedAll;
    }
}
