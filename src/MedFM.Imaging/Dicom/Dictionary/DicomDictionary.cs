using System.Globalization;
using System.Text;

namespace MedFM.Imaging.Dicom;

/// <summary>One entry of the data dictionary: tag, VR, value multiplicity, keyword and name.</summary>
public sealed record DicomDictionaryEntry(DicomTag Tag, DicomVR VR, string VM, string Keyword)
{
    /// <summary>The attribute name, spelled from the keyword ("PatientID" → "Patient ID").</summary>
    public string Name => DicomDictionary.NameOfKeyword(Keyword);
}

/// <summary>
/// The data dictionary: a compact table generated from the standard (tools/dicom/make_dictionary.py) for the groups
/// images use (file meta, identification, patient, acquisition, image, pixel, segmentation, ...). Used for the VR of
/// implicit-VR elements and for keyword look-ups. Unknown tags have VR UN.
/// </summary>
public static class DicomDictionary
{
    private static readonly Lazy<(Dictionary<uint, DicomDictionaryEntry> ByTag, Dictionary<string, DicomDictionaryEntry> ByKeyword)> Table =
        new(Load);

    /// <summary>Number of entries in the table.</summary>
    public static int Count => Table.Value.ByTag.Count;

    /// <summary>The entry of a tag, or null when the table does not have it.</summary>
    public static DicomDictionaryEntry? Find(DicomTag tag) => Table.Value.ByTag.GetValueOrDefault(tag.Value);

    /// <summary>The entry with a keyword (case-sensitive, e.g. "ImagePositionPatient"), or null.</summary>
    public static DicomDictionaryEntry? Find(string keyword) => Table.Value.ByKeyword.GetValueOrDefault(keyword);

    /// <summary>The VR to assume for an implicit-VR element: from the table, UL for group lengths, LO for private creators, UN otherwise.</summary>
    public static DicomVR VROf(DicomTag tag)
    {
        if (Table.Value.ByTag.TryGetValue(tag.Value, out var e) && e.VR != DicomVR.NONE) return e.VR;
        if (tag.Element == 0) return DicomVR.UL;
        if (tag.IsPrivateCreator) return DicomVR.LO;
        if ((tag.Group & 0xFF00) == 0x6000 && tag.Element == 0x3000) return DicomVR.OW; // overlay data
        return DicomVR.UN;
    }

    /// <summary>The keyword of a tag, or its "(gggg,eeee)" form when unknown.</summary>
    public static string KeywordOf(DicomTag tag) => Find(tag)?.Keyword ?? tag.ToString();

    internal static string NameOfKeyword(string keyword)
    {
        var sb = new StringBuilder(keyword.Length + 8);
        for (int i = 0; i < keyword.Length; i++)
        {
            char c = keyword[i];
            bool boundary = i > 0 && char.IsUpper(c) && (char.IsLower(keyword[i - 1]) || (i + 1 < keyword.Length && char.IsLower(keyword[i + 1]) && char.IsUpper(keyword[i - 1])));
            if (boundary) sb.Append(' ');
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static (Dictionary<uint, DicomDictionaryEntry>, Dictionary<string, DicomDictionaryEntry>) Load()
    {
        var byTag = new Dictionary<uint, DicomDictionaryEntry>(4096);
        var byKeyword = new Dictionary<string, DicomDictionaryEntry>(4096, StringComparer.Ordinal);
        foreach (var line in ResourceLines("dictionary.tsv"))
        {
            var f = line.Split('\t');
            var tag = new DicomTag(uint.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var e = new DicomDictionaryEntry(tag, DicomVRs.Parse(f[1]), f[2], f[3]);
            byTag[tag.Value] = e;
            byKeyword.TryAdd(e.Keyword, e);
        }
        return (byTag, byKeyword);
    }

    /// <summary>The non-comment lines of a table embedded next to this class.</summary>
    internal static IEnumerable<string> ResourceLines(string name)
    {
        var asm = typeof(DicomDictionary).Assembly;
        var resource = asm.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith("." + name, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"embedded DICOM table '{name}' is missing from {asm.GetName().Name}");
        using var s = asm.GetManifestResourceStream(resource)!;
        using var r = new StreamReader(s, Encoding.ASCII);
        while (r.ReadLine() is { } line)
            if (line.Length > 0 && line[0] != '#') yield return line;
    }
}
