using System.IO.Compression;

namespace MedFM.Imaging.Png;

/// <summary>Options of <see cref="PngWriter"/>.</summary>
public sealed record PngWriteOptions
{
    public static PngWriteOptions Default { get; } = new();

    /// <summary>The row filter; <see cref="PngFilter.Adaptive"/> picks per row (minimum sum of absolute differences).</summary>
    public PngFilter Filter { get; init; } = PngFilter.Adaptive;

    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Optimal;
}
