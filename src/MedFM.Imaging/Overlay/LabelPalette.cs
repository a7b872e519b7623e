namespace MedFM.Imaging.Overlay;

/// <summary>
/// Stable label colours: label k (≥ 1) always gets the same colour, whatever else is in the image.
/// Labels 1–20 use a fixed table of distinct colours (Tableau 10 followed by ten further hues); higher labels take
/// a hue from the golden-ratio sequence (k · 0.618… mod 1) at fixed saturation and value. Label 0 is background.
/// </summary>
public sealed class LabelPalette
{
    private static readonly (byte R, byte G, byte B)[] Table =
    [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
        (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
        (255, 255, 0), (0, 255, 255), (255, 0, 255), (0, 128, 255), (255, 64, 64),
        (64, 255, 64), (128, 0, 255), (255, 160, 0), (0, 160, 128), (160, 255, 200),
    ];

    private readonly Dictionary<int, (byte, byte, byte)> _overrides = [];

    public static LabelPalette Default { get; } = new();

    /// <summary>A palette with some labels given explicit colours (others as in the default palette).</summary>
    public LabelPalette With(int label, (byte R, byte G, byte B) colour)
    {
        var p = new LabelPalette();
        foreach (var kv in _overrides) p._overrides[kv.Key] = kv.Value;
        p._overrides[label] = colour;
        return p;
    }

    public (byte R, byte G, byte B) ColorOf(int label)
    {
        if (label <= 0) throw new ArgumentOutOfRangeException(nameof(label), label, "label 0 is background and has no colour");
        if (_overrides.TryGetValue(label, out var c)) return c;
        if (label <= Table.Length) return Table[label - 1];
        double hue = label * 0.6180339887498949 % 1.0;
        return Hsv(hue, 0.75, 0.95);
    }

    private static (byte, byte, byte) Hsv(double h, double s, double v)
    {
        double i = Math.Floor(h * 6), f = h * 6 - i;
        double p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
        var (r, g, b) = ((int)i % 6) switch
        {
            0 => (v, t, p), 1 => (q, v, p), 2 => (p, v, t), 3 => (p, q, v), 4 => (t, p, v), _ => (v, p, q),
        };
        return ((byte)Math.Round(r * 255), (byte)Math.Round(g * 255), (byte)Math.Round(b * 255));
    }
}
