namespace MedFM.Imaging.Png;

/// <summary>PNG colour types (IHDR colour type byte).</summary>
public enum PngColorType : byte
{
    Grey = 0,
    Rgb = 2,
    Palette = 3,
    GreyAlpha = 4,
    Rgba = 6,
}

/// <summary>The IHDR of a PNG plus whether it carries a palette and transparency (reference: PNG specification, W3C 2003/2022).</summary>
public sealed record PngHeader
{
    public int Width { get; init; }
    public int Height { get; init; }

    /// <summary>Bits per sample: 1, 2, 4, 8 or 16 (allowed combinations depend on the colour type).</summary>
    public int BitDepth { get; init; }

    public PngColorType ColorType { get; init; }

    /// <summary>True for Adam7 interlacing.</summary>
    public bool Interlaced { get; init; }

    /// <summary>Samples per pixel as stored (palette: 1 index).</summary>
    public int StoredChannels => ColorType switch
    {
        PngColorType.Grey or PngColorType.Palette => 1,
        PngColorType.GreyAlpha => 2,
        PngColorType.Rgb => 3,
        _ => 4,
    };

    /// <summary>Bits per stored pixel.</summary>
    public int BitsPerPixel => StoredChannels * BitDepth;

    /// <summary>Bytes of one filtered row of <paramref name="width"/> pixels, without the filter-type byte.</summary>
    public long RowBytes(int width) => ((long)width * BitsPerPixel + 7) / 8;

    /// <summary>True when (colour type, bit depth) is allowed by the specification.</summary>
    public static bool IsValidCombination(PngColorType type, int depth) => type switch
    {
        PngColorType.Grey => depth is 1 or 2 or 4 or 8 or 16,
        PngColorType.Palette => depth is 1 or 2 or 4 or 8,
        PngColorType.Rgb or PngColorType.GreyAlpha or PngColorType.Rgba => depth is 8 or 16,
        _ => false,
    };
}
