namespace MedFM.Imaging.Overlay;

/// <summary>How <see cref="OverlayRenderer"/> draws a mask over an image.</summary>
public sealed record OverlayOptions
{
    public static OverlayOptions Default { get; } = new();

    /// <summary>Opacity of the region fill, 0 (none) to 1 (solid).</summary>
    public double FillOpacity { get; init; } = 0.4;

    /// <summary>Draw the outline of each labelled region in its colour, fully opaque.</summary>
    public bool DrawContours { get; init; } = true;

    /// <summary>Outline thickness in pixels (inside the region).</summary>
    public int ContourThickness { get; init; } = 1;

    public LabelPalette Palette { get; init; } = LabelPalette.Default;

    /// <summary>
    /// Window applied to a non-UInt8 base image; null scales its min..max to 0..255.
    /// UInt8 images are used as they are.
    /// </summary>
    public WindowPreset? Window { get; init; }
}
