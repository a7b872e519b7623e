using System.Globalization;
using MedFM.Imaging;
using MedFM.Imaging.Dicom;
using MedFM.Models.Sam;

namespace MedFM.Cli.Segment;

/// <summary>What `medfm segment` was asked to do, parsed and checked before any work starts.</summary>
internal sealed record SegmentOptions
{
    public required string Input { get; init; }
    public string? Model { get; init; }
    public string? Checkpoint { get; init; }
    /// <summary>4 numbers (x0,y0,x1,y1) or, for a volume, 6 (x0,y0,z0,x1,y1,z1).</summary>
    public double[]? Box { get; init; }
    public IReadOnlyList<SamPoint> Points { get; init; } = Array.Empty<SamPoint>();
    public int? Slice { get; init; }
    public bool Multimask { get; init; }
    public string? Out { get; init; }
    public string? Overlay { get; init; }
    public string? SaveLogits { get; init; }
    public string? SaveEmbedding { get; init; }
    public string? LoadEmbedding { get; init; }
    public WindowPreset? Window { get; init; }
    /// <summary>Volume propagation stops at a slice whose predicted IoU is below this.</summary>
    public float? StopIou { get; init; }
    /// <summary>How a DICOM SEG output encodes the mask (--seg-type); null: binary.</summary>
    public SegmentationType? SegType { get; init; }

    public static SegmentationType ParseSegType(string text) => text.ToLowerInvariant() switch
    {
        "binary" => SegmentationType.Binary,
        "labelmap" => SegmentationType.LabelMap,
        _ => throw new SamInputException($"--seg-type '{text}' must be binary or labelmap"),
    };

    public static double[] ParseBox(string text)
    {
        var v = Numbers(text, "box");
        if (v.Length is not (4 or 6))
            throw new SamInputException($"box '{text}' must be x0,y0,x1,y1 (or x0,y0,z0,x1,y1,z1 for a 3-D box)");
        return v;
    }

    /// <summary>"x,y,label" with label 1 (on the structure) or 0 (background).</summary>
    public static SamPoint ParsePoint(string text)
    {
        var v = Numbers(text, "point");
        if (v.Length != 3 || v[2] is not (0 or 1))
            throw new SamInputException($"point '{text}' must be x,y,label with label 1 (foreground) or 0 (background)");
        return new SamPoint(v[0], v[1], v[2] == 1);
    }

    public static WindowPreset ParseWindow(string text)
    {
        foreach (var w in WindowPreset.All)
            if (string.Equals(w.Name, text, StringComparison.OrdinalIgnoreCase)) return w;
        var v = Numbers(text, "window");
        if (v.Length != 2 || v[1] <= 0)
            throw new SamInputException($"window '{text}' must be a name ({string.Join(", ", WindowPreset.All.Select(w => w.Name))}) or level,width with width > 0");
        return new WindowPreset("custom", v[0], v[1]);
    }

    private static double[] Numbers(string text, string what)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                throw new SamInputException($"{what} '{text}': '{parts[i]}' is not a number");
        return values;
    }
}
