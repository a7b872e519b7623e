namespace MedFM.Imaging.Transforms;

/// <summary>
/// The source region of a PIL resize (<c>Image.resize(size, resample, box)</c>): left, top, right, bottom in input
/// pixels, the image being [0, width) × [0, height). PIL parses the box as C floats, so the values are single
/// precision here too: a Python double box is rounded to float before use.
/// </summary>
public readonly record struct PilBox(float Left, float Top, float Right, float Bottom)
{
    /// <summary>The whole image: (0, 0, width, height), PIL's default.</summary>
    public static PilBox Full(int width, int height) => new(0, 0, width, height);

    public override string ToString() => $"({Left}, {Top}, {Right}, {Bottom})";
}
