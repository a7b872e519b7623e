namespace MedFM.Imaging.Png;

/// <summary>Options of <see cref="PngReader"/>.</summary>
public sealed record PngReadOptions
{
    public static PngReadOptions Default { get; } = new();

    /// <summary>
    /// Palette images: keep the palette indices as a 1-component UInt8 volume (label maps stored as palette PNGs)
    /// instead of expanding to RGB (or RGBA when a tRNS chunk is present).
    /// </summary>
    public bool KeepPaletteIndices { get; init; }
}
