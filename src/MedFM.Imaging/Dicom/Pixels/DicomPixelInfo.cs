namespace MedFM.Imaging.Dicom;

/// <summary>
/// The Image Pixel module of a dataset (PS3.3 §C.7.6.3): size, samples, bit layout, signedness, planar configuration,
/// photometric interpretation and frame count, validated so that later arithmetic cannot overflow.
/// </summary>
public sealed record DicomPixelInfo(
    int Rows, int Columns, int SamplesPerPixel, int BitsAllocated, int BitsStored, int HighBit,
    bool Signed, int PlanarConfiguration, string Photometric, int NumberOfFrames)
{
    /// <summary>Pixels in one frame.</summary>
    public long PixelsPerFrame => (long)Rows * Columns;

    /// <summary>Bytes of one native frame (1-bit frames are packed: rounded up to whole bytes).</summary>
    public long FrameBytes => BitsAllocated == 1 ? (PixelsPerFrame * SamplesPerPixel + 7) / 8 : PixelsPerFrame * SamplesPerPixel * (BitsAllocated / 8);

    /// <summary>Bytes of all native frames (1-bit frames are packed continuously).</summary>
    public long TotalBytes => BitsAllocated == 1 ? (PixelsPerFrame * SamplesPerPixel * NumberOfFrames + 7) / 8 : FrameBytes * NumberOfFrames;

    public bool IsMonochrome => Photometric is "MONOCHROME1" or "MONOCHROME2";

    /// <summary>Reads and checks the module; throws <see cref="DicomFormatException"/> naming the offending attribute.</summary>
    public static DicomPixelInfo From(DicomDataset ds, string? path)
    {
        int rows = Required(ds, DicomTags.Rows, path, 1, 65535);
        int cols = Required(ds, DicomTags.Columns, path, 1, 65535);
        int spp = ds.GetInt(DicomTags.SamplesPerPixel) ?? 1;
        int allocated = Required(ds, DicomTags.BitsAllocated, path, 1, 64);
        int stored = ds.GetInt(DicomTags.BitsStored) ?? allocated;
        int high = ds.GetInt(DicomTags.HighBit) ?? stored - 1;
        int rep = ds.GetInt(DicomTags.PixelRepresentation) ?? 0;
        int planar = ds.GetInt(DicomTags.PlanarConfiguration) ?? 0;
        var photometric = (ds.GetString(DicomTags.PhotometricInterpretation) ?? (spp == 3 ? "RGB" : "MONOCHROME2")).ToUpperInvariant();
        int frames = ds.GetInt(DicomTags.NumberOfFrames) ?? 1;
        if (frames == 0) frames = 1;
        if (spp is not (1 or 3))
            throw Bad(path, ds, DicomTags.SamplesPerPixel, $"samples per pixel {spp} (1 or 3 expected)");
        if (allocated is not (1 or 8 or 16 or 32))
            throw Bad(path, ds, DicomTags.BitsAllocated, $"bits allocated {allocated} (1, 8, 16 or 32 supported)");
        if (stored < 1 || stored > allocated)
            throw Bad(path, ds, DicomTags.BitsStored, $"bits stored {stored} outside 1..{allocated} (bits allocated)");
        if (high < stored - 1 || high >= allocated)
            throw Bad(path, ds, DicomTags.HighBit, $"high bit {high} outside {stored - 1}..{allocated - 1}");
        if (rep is not (0 or 1))
            throw Bad(path, ds, DicomTags.PixelRepresentation, $"pixel representation {rep} (0 or 1 expected)");
        if (planar is not (0 or 1))
            throw Bad(path, ds, DicomTags.PlanarConfiguration, $"planar configuration {planar} (0 or 1 expected)");
        if (frames < 0 || (long)frames * rows * cols * spp > Array.MaxLength)
            throw Bad(path, ds, DicomTags.NumberOfFrames, $"{frames} frames of {rows}×{cols}×{spp} samples exceed the largest array");
        if (allocated == 1 && spp != 1)
            throw Bad(path, ds, DicomTags.BitsAllocated, "1-bit pixels with more than one sample per pixel");
        return new DicomPixelInfo(rows, cols, spp, allocated, stored, high, rep == 1, spp == 1 ? 0 : planar, photometric, frames);
    }

    private static int Required(DicomDataset ds, DicomTag tag, string? path, int min, int max)
    {
        int v = ds.GetInt(tag) ?? throw new DicomFormatException(path, null, tag, $"{DicomDictionary.KeywordOf(tag)} is missing");
        if (v < min || v > max) throw Bad(path, ds, tag, $"{DicomDictionary.KeywordOf(tag)} {v} outside {min}..{max}");
        return v;
    }

    private static DicomFormatException Bad(string? path, DicomDataset ds, DicomTag tag, string detail) =>
        new(path, ds[tag]?.Offset, tag, detail);
}
