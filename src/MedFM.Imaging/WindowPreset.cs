namespace MedFM.Imaging;

/// <summary>
/// A named VOI window (level = centre, width) in the volume's units (Hounsfield units for CT).
/// The interval shown is [level − width/2, level + width/2].
/// </summary>
public readonly record struct WindowPreset(string Name, double Level, double Width)
{
    /// <summary>Abdominal soft tissue, L40/W400: MedSAM's CT preprocessing window (pre_CT_MR.py).</summary>
    public static WindowPreset SoftTissue { get; } = new("soft-tissue", 40, 400);

    /// <summary>Lung parenchyma, L−600/W1500.</summary>
    public static WindowPreset Lung { get; } = new("lung", -600, 1500);

    /// <summary>Bone, L400/W1800.</summary>
    public static WindowPreset Bone { get; } = new("bone", 400, 1800);

    /// <summary>Brain, L40/W80.</summary>
    public static WindowPreset Brain { get; } = new("brain", 40, 80);

    /// <summary>The built-in presets.</summary>
    public static IReadOnlyList<WindowPreset> All { get; } = [SoftTissue, Lung, Bone, Brain];

    public double Lower => Level - Width / 2;
    public double Upper => Level + Width / 2;

    /// <summary>A preset by name (case-insensitive), e.g. "lung"; throws <see cref="ArgumentException"/> for an unknown name.</summary>
    public static WindowPreset Named(string name)
    {
        foreach (var p in All)
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p;
        throw new ArgumentException($"unknown window preset '{name}' (known: soft-tissue, lung, bone, brain)", nameof(name));
    }
}
