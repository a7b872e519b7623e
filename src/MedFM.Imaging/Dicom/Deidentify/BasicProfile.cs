using System.Globalization;

namespace MedFM.Imaging.Dicom;

/// <summary>The actions of PS3.15 Annex E: D dummy, Z zero-length, X remove, K keep, C clean, U replace UID.</summary>
public enum DeidAction { Keep, Dummy, Zero, Remove, Clean, Uid }

/// <summary>
/// The Basic Application Level Confidentiality Profile (PS3.15 Table E.1-1), embedded as generated data
/// (tools/dicom/make_dictionary.py). Conditional actions are resolved to the stricter one that keeps objects valid
/// (X/Z → Z, X/D → X, Z/D and X/Z/D → Z; X/Z/U* on reference sequences → keep and recurse, their UIDs remapped).
/// Rows with "xx" in the group (curves 50xx, overlays 60xx) match any value of those digits.
/// </summary>
public static class BasicProfile
{
    private static readonly Lazy<(Dictionary<uint, DeidAction> Exact, List<(uint Mask, uint Value, DeidAction Action)> Masked)> Table = new(Load);

    /// <summary>Number of rows in the table.</summary>
    public static int Count => Table.Value.Exact.Count + Table.Value.Masked.Count;

    /// <summary>The action for a tag, or null when the profile does not list it (such attributes are kept).</summary>
    public static DeidAction? ActionOf(DicomTag tag)
    {
        var t = Table.Value;
        if (t.Exact.TryGetValue(tag.Value, out var a)) return a;
        foreach (var (mask, value, action) in t.Masked)
            if ((tag.Value & mask) == value) return action;
        return null;
    }

    private static (Dictionary<uint, DeidAction>, List<(uint, uint, DeidAction)>) Load()
    {
        var exact = new Dictionary<uint, DeidAction>();
        var masked = new List<(uint, uint, DeidAction)>();
        foreach (var line in DicomDictionary.ResourceLines("basic-profile.tsv"))
        {
            var f = line.Split('\t');
            var action = f[1] switch
            {
                "D" => DeidAction.Dummy, "Z" => DeidAction.Zero, "X" => DeidAction.Remove,
                "K" => DeidAction.Keep, "C" => DeidAction.Clean, "U" => DeidAction.Uid,
                _ => throw new InvalidOperationException($"unknown de-identification action '{f[1]}' for {f[0]}"),
            };
            if (f[0].Contains('X'))
            {
                uint mask = 0, value = 0;
                for (int i = 0; i < 8; i++)
                {
                    mask <<= 4; value <<= 4;
                    if (f[0][i] != 'X') { mask |= 0xF; value |= uint.Parse(f[0][i].ToString(), NumberStyles.HexNumber, CultureInfo.InvariantCulture); }
                }
                masked.Add((mask, value, action));
            }
            else exact[uint.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = action;
        }
        return (exact, masked);
    }
}
