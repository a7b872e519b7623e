using System.Text;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Decoding and encoding of text values under Specific Character Set (0008,0005), PS3.3 §C.12.1.1.2.
/// Supported: the default repertoire (ISO_IR 6, read tolerantly as Latin-1), ISO_IR 100 (Latin-1), ISO_IR 192
/// (UTF-8), and their ISO 2022 forms (ISO 2022 IR 6 / IR 100: escape sequences that switch between them are
/// dropped). Other character sets decode as Latin-1 and are reported by <see cref="IsSupported"/>.
/// </summary>
public sealed class DicomCharacterSet
{
    private DicomCharacterSet(string term, Encoding encoding, bool supported, bool iso2022)
    {
        Term = term; Encoding = encoding; IsSupported = supported; UsesEscapes = iso2022;
    }

    public static DicomCharacterSet Default { get; } = new("", Encoding.Latin1, true, false);
    public static DicomCharacterSet Latin1 { get; } = new("ISO_IR 100", Encoding.Latin1, true, false);
    public static DicomCharacterSet Utf8 { get; } = new("ISO_IR 192", new UTF8Encoding(false, false), true, false);

    /// <summary>The defined term as written in the file (first value when several).</summary>
    public string Term { get; }
    public Encoding Encoding { get; }

    /// <summary>False when the file names a character set this library does not decode (text is read as Latin-1).</summary>
    public bool IsSupported { get; }

    /// <summary>True for the ISO 2022 forms, whose ESC sequences are removed when decoding.</summary>
    public bool UsesEscapes { get; }

    /// <summary>The character set of a Specific Character Set value (may be multi-valued "\ISO 2022 IR 100").</summary>
    public static DicomCharacterSet FromTerms(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Default;
        var terms = value.Split('\\').Select(t => t.Trim()).Where(t => t.Length > 0).ToArray();
        if (terms.Length == 0) return Default;
        bool iso2022 = terms.Any(t => t.StartsWith("ISO 2022", StringComparison.Ordinal));
        if (terms.Length == 1 && !iso2022)
            return terms[0] switch
            {
                "ISO_IR 6" => Default,
                "ISO_IR 100" => Latin1,
                "ISO_IR 192" => Utf8,
                _ => new DicomCharacterSet(terms[0], Encoding.Latin1, false, false),
            };
        bool allLatin = terms.All(t => t is "ISO 2022 IR 6" or "ISO 2022 IR 100" or "ISO_IR 100" or "ISO_IR 6");
        return new DicomCharacterSet(string.Join('\\', terms), Encoding.Latin1, allLatin, true);
    }

    /// <summary>Decodes a text value (escape sequences removed for ISO 2022 forms).</summary>
    public string Decode(ReadOnlySpan<byte> bytes)
    {
        if (!UsesEscapes || bytes.IndexOf((byte)0x1B) < 0) return Encoding.GetString(bytes);
        var kept = new List<byte>(bytes.Length);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != 0x1B) { kept.Add(bytes[i]); continue; }
            // ESC + intermediate bytes (0x20-0x2F) + a final byte (0x30-0x7E)
            i++;
            while (i < bytes.Length && bytes[i] is >= 0x20 and <= 0x2F) i++;
        }
        return Encoding.GetString(kept.ToArray());
    }

    public byte[] Encode(string text) => Encoding.GetBytes(text);
}
