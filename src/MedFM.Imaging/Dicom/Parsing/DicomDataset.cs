using System.Globalization;
using System.Text;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// A set of data elements keyed by tag (a file's dataset, its file meta group, or a sequence item), with typed getters
/// for the value representations and setters used by the writers. Enumeration is in ascending tag order.
/// </summary>
public sealed partial class DicomDataset
{
    private readonly Dictionary<uint, DicomElement> _elements = new();
    private DicomElement[]? _sorted;

    public DicomDataset(DicomCharacterSet? characterSet = null) => CharacterSet = characterSet ?? DicomCharacterSet.Default;

    /// <summary>The character set text values are decoded with (inherited by nested items unless they declare their own).</summary>
    public DicomCharacterSet CharacterSet { get; internal set; }

    public int Count => _elements.Count;

    /// <summary>The elements in ascending tag order.</summary>
    public IReadOnlyList<DicomElement> Elements => _sorted ??= _elements.Values.OrderBy(e => e.Tag.Value).ToArray();

    public bool Contains(DicomTag tag) => _elements.ContainsKey(tag.Value);

    public DicomElement? this[DicomTag tag] => _elements.GetValueOrDefault(tag.Value);

    public bool TryGet(DicomTag tag, out DicomElement element) => _elements.TryGetValue(tag.Value, out element!);

    /// <summary>Adds or replaces an element.</summary>
    public void Add(DicomElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        _elements[element.Tag.Value] = element;
        _sorted = null;
        if (element.Tag == DicomTags.SpecificCharacterSet) CharacterSet = DicomCharacterSet.FromTerms(GetString(element.Tag));
    }

    public bool Remove(DicomTag tag)
    {
        bool removed = _elements.Remove(tag.Value);
        if (removed) _sorted = null;
        return removed;
    }

    /// <summary>Removes every element matching <paramref name="predicate"/>; returns how many.</summary>
    public int RemoveWhere(Func<DicomElement, bool> predicate)
    {
        var doomed = _elements.Values.Where(predicate).Select(e => e.Tag.Value).ToList();
        foreach (var t in doomed) _elements.Remove(t);
        if (doomed.Count > 0) _sorted = null;
        return doomed.Count;
    }

    // ---- getters ----

    /// <summary>The whole text value with trailing padding (spaces, NULs) and leading spaces removed; null when absent.</summary>
    public string? GetString(DicomTag tag)
    {
        if (!_elements.TryGetValue(tag.Value, out var e) || e.IsSequence || e.IsEncapsulated) return null;
        return DecodeText(e).Trim(' ', '\0');
    }

    /// <summary>The backslash-separated values of a text element, each trimmed; empty when absent.</summary>
    public string[] GetStrings(DicomTag tag)
    {
        var s = _elements.TryGetValue(tag.Value, out var e) && !e.IsSequence && !e.IsEncapsulated ? DecodeText(e) : null;
        if (string.IsNullOrEmpty(s)) return [];
        var parts = s.Split('\\');
        for (int i = 0; i < parts.Length; i++) parts[i] = parts[i].Trim(' ', '\0');
        return parts;
    }

    private string DecodeText(DicomElement e) =>
        DicomVRs.UsesCharacterSet(e.VR) || e.VR == DicomVR.UN ? CharacterSet.Decode(e.Value.Span) : Encoding.Latin1.GetString(e.Value.Span);

    /// <summary>
    /// The numeric values of an element: DS/IS parsed as text, US/SS/UL/SL/FL/FD/OW/OF/OD/SV/UV as binary.
    /// Throws <see cref="DicomFormatException"/> for text that is not a number. Empty when absent.
    /// </summary>
    public double[] GetDoubles(DicomTag tag)
    {
        if (!_elements.TryGetValue(tag.Value, out var e) || e.IsSequence || e.IsEncapsulated) return [];
        switch (e.VR)
        {
            case DicomVR.DS or DicomVR.IS or DicomVR.UN or DicomVR.LO or DicomVR.SH or DicomVR.CS:
                {
                    var parts = GetStrings(tag);
                    if (parts.Length == 1 && parts[0].Length == 0) return [];
                    var r = new double[parts.Length];
                    for (int i = 0; i < parts.Length; i++)
                        if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out r[i]))
                            throw new DicomFormatException(null, e.Offset, tag, $"value '{Shorten(parts[i])}' of VR {e.VR} is not a number");
                    return r;
                }
            case DicomVR.US or DicomVR.OW: return Fill(e.Length / 2, i => e.UInt16At(i));
            case DicomVR.SS: return Fill(e.Length / 2, i => e.Int16At(i));
            case DicomVR.UL or DicomVR.OL: return Fill(e.Length / 4, i => e.UInt32At(i));
            case DicomVR.SL: return Fill(e.Length / 4, i => e.Int32At(i));
            case DicomVR.FL or DicomVR.OF: return Fill(e.Length / 4, i => e.SingleAt(i));
            case DicomVR.FD or DicomVR.OD: return Fill(e.Length / 8, i => e.DoubleAt(i));
            default:
                throw new DicomFormatException(null, e.Offset, tag, $"VR {e.VR} does not hold numbers");
        }
    }

    private static double[] Fill(int n, Func<int, double> at)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++) r[i] = at(i);
        return r;
    }

    private static string Shorten(string s) => s.Length <= 32 ? s : s[..32] + "…";

    /// <summary>The i-th numeric value, or null when absent or shorter.</summary>
    public double? GetDouble(DicomTag tag, int index = 0)
    {
        var v = GetDoubles(tag);
        return index < v.Length ? v[index] : null;
    }

    /// <summary>The i-th value as an integer (rounded DS/IS or binary), or null when absent.</summary>
    public int? GetInt(DicomTag tag, int index = 0)
    {
        var d = GetDouble(tag, index);
        if (d is not { } v) return null;
        if (!(v >= int.MinValue && v <= int.MaxValue))
            throw new DicomFormatException(null, this[tag]?.Offset, tag, $"value {v} does not fit a 32-bit integer");
        return (int)Math.Round(v);
    }

    /// <summary>The items of a sequence; empty when absent or not a sequence.</summary>
    public IReadOnlyList<DicomDataset> GetSequence(DicomTag tag) =>
        _elements.TryGetValue(tag.Value, out var e) && e.Items is { } items ? items : [];

    /// <summary>The first item of a sequence, or null.</summary>
    public DicomDataset? GetItem(DicomTag tag)
    {
        var s = GetSequence(tag);
        return s.Count > 0 ? s[0] : null;
    }

    public override string ToString() => $"DicomDataset ({Count} elements)";
}
