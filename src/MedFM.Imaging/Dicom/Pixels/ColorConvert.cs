namespace MedFM.Imaging.Dicom;

/// <summary>
/// Colour conversions of PS3.3 §C.7.6.3.1.2: YBR_FULL (and YBR_FULL_422 after chroma upsampling) to RGB with the
/// ITU-R BT.601 full-range equations, and PALETTE COLOR through its three lookup tables.
/// </summary>
internal static class ColorConvert
{
    private const double CbToG = 0.114 * 1.772 / 0.587, CrToG = 0.299 * 1.402 / 0.587;

    /// <summary>In place: interleaved Y Cb Cr (8-bit) to R G B, rounded half up and clipped to 0..255.</summary>
    public static void YbrFullToRgb(Span<byte> ybr)
    {
        for (int i = 0; i + 2 < ybr.Length; i += 3)
        {
            double y = ybr[i], cb = ybr[i + 1] - 128.0, cr = ybr[i + 2] - 128.0;
            ybr[i] = Clip8(y + 1.402 * cr);
            ybr[i + 1] = Clip8(y - CbToG * cb - CrToG * cr);
            ybr[i + 2] = Clip8(y + 1.772 * cb);
        }
    }

    /// <summary>In place: 16-bit samples of the given bit depth.</summary>
    public static void YbrFullToRgb(Span<ushort> ybr, int bits)
    {
        double half = 1 << (bits - 1), max = (1 << bits) - 1;
        for (int i = 0; i + 2 < ybr.Length; i += 3)
        {
            double y = ybr[i], cb = ybr[i + 1] - half, cr = ybr[i + 2] - half;
            ybr[i] = (ushort)Math.Clamp(Math.Floor(y + 1.402 * cr + 0.5), 0, max);
            ybr[i + 1] = (ushort)Math.Clamp(Math.Floor(y - CbToG * cb - CrToG * cr + 0.5), 0, max);
            ybr[i + 2] = (ushort)Math.Clamp(Math.Floor(y + 1.772 * cb + 0.5), 0, max);
        }
    }

    private static byte Clip8(double v) => (byte)Math.Clamp(Math.Floor(v + 0.5), 0, 255);

    /// <summary>
    /// Native YBR_FULL_422 (8-bit): each pair of pixels of a row is stored Y1 Y2 Cb Cr. Expands to full Y Cb Cr per
    /// pixel (the pair's chroma repeated). <paramref name="src"/> holds rows·(columns rounded up to even)·2 bytes.
    /// </summary>
    public static void Expand422(ReadOnlySpan<byte> src, int rows, int columns, Span<byte> dst)
    {
        int pairs = (columns + 1) / 2, si = 0;
        for (int r = 0; r < rows; r++)
            for (int p = 0; p < pairs; p++, si += 4)
            {
                byte y1 = src[si], y2 = src[si + 1], cb = src[si + 2], cr = src[si + 3];
                int c = p * 2, d = (r * columns + c) * 3;
                dst[d] = y1; dst[d + 1] = cb; dst[d + 2] = cr;
                if (c + 1 < columns) { dst[d + 3] = y2; dst[d + 4] = cb; dst[d + 5] = cr; }
            }
    }
}

/// <summary>A PALETTE COLOR lookup table set: descriptor (entries, first mapped value, bits) and the three channels.</summary>
internal sealed class PaletteLut
{
    public int Entries, First, Bits;
    public ushort[] Red = [], Green = [], Blue = [];

    public static PaletteLut From(DicomDataset ds, string? path)
    {
        var lut = new PaletteLut();
        var d = ds.GetDoubles(DicomTags.RedPaletteColorLookupTableDescriptor);
        if (d.Length != 3)
        {
            if (ds.Contains(DicomTags.SegmentedRedPaletteColorLookupTableData))
                throw new DicomUnsupportedException(path, null, DicomTags.SegmentedRedPaletteColorLookupTableData, "segmented palette colour lookup tables");
            throw new DicomFormatException(path, null, DicomTags.RedPaletteColorLookupTableDescriptor, "PALETTE COLOR without a 3-value lookup table descriptor");
        }
        lut.Entries = d[0] == 0 ? 65536 : (int)d[0];
        lut.First = (int)d[1];
        if (ds[DicomTags.RedPaletteColorLookupTableDescriptor]?.VR == DicomVR.SS && lut.First < 0) lut.First = (short)lut.First;
        lut.Bits = (int)d[2];
        if (lut.Bits is not (8 or 16))
            throw new DicomFormatException(path, null, DicomTags.RedPaletteColorLookupTableDescriptor, $"lookup table entries of {lut.Bits} bits (8 or 16 expected)");
        lut.Red = Channel(ds, DicomTags.RedPaletteColorLookupTableData, lut, path);
        lut.Green = Channel(ds, DicomTags.GreenPaletteColorLookupTableData, lut, path);
        lut.Blue = Channel(ds, DicomTags.BluePaletteColorLookupTableData, lut, path);
        return lut;
    }

    private static ushort[] Channel(DicomDataset ds, DicomTag tag, PaletteLut lut, string? path)
    {
        var e = ds[tag] ?? throw new DicomFormatException(path, null, tag, "palette lookup table data is missing");
        var r = new ushort[lut.Entries];
        if (lut.Bits == 8 && e.Length == lut.Entries)
        {
            var b = e.Value.Span; // 8-bit entries packed one per byte
            for (int i = 0; i < r.Length; i++) r[i] = b[i];
            return r;
        }
        if (e.Length < lut.Entries * 2)
            throw new DicomFormatException(path, e.Offset, tag, $"{e.Length} bytes of lookup table data for {lut.Entries} entries");
        for (int i = 0; i < r.Length; i++) r[i] = lut.Bits == 8 ? (ushort)(e.UInt16At(i) & 0xFF) : e.UInt16At(i);
        return r;
    }

    /// <summary>Index of a stored value (clamped to the table).</summary>
    public int IndexOf(int value) => Math.Clamp(value - First, 0, Entries - 1);
}
