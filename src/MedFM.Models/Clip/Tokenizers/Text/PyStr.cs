using System.Text;

namespace MedFM.Models.Clip.Tokenizers.Text;

/// <summary>
/// CPython str semantics the reference tokenizers rely on: iteration by code point, isspace(), split(), strip()
/// and lower() (full mappings and the Greek final-sigma rule), plus the `regex` module's \s class.
/// </summary>
internal static class PyStr
{
    /// <summary>Code points of a string; an unpaired surrogate is returned as itself, as CPython would hold it.</summary>
    public static IEnumerable<int> CodePoints(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                yield return char.ConvertToUtf32(c, text[i + 1]);
                i++;
            }
            else yield return c;
        }
    }

    /// <summary>The code point at index i and its length in UTF-16 units.</summary>
    public static int CodePointAt(string text, int i, out int width)
    {
        char c = text[i];
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, text[i + 1]);
        }
        width = 1;
        return c;
    }

    /// <summary>str.isspace() for one code point: bidirectional class WS, B or S, or category Zs.</summary>
    public static bool IsSpace(int cp) => cp switch
    {
        >= 0x09 and <= 0x0D => true,
        >= 0x1C and <= 0x20 => true,
        0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A => true,
        0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>The `regex` module's \s on str patterns: the Unicode White_Space property.</summary>
    public static bool IsRegexSpace(int cp) => cp is not (>= 0x1C and <= 0x1F) && IsSpace(cp);

    /// <summary>str.split() with no separator: runs of whitespace separate, empty pieces are dropped.</summary>
    public static List<string> SplitWhitespace(string text)
    {
        var parts = new List<string>();
        int i = 0, n = text.Length;
        while (i < n)
        {
            while (i < n && IsSpace(text[i])) i++;  // every isspace() code point is in the BMP
            int start = i;
            while (i < n && !IsSpace(text[i])) i++;
            if (i > start) parts.Add(text.Substring(start, i - start));
        }
        return parts;
    }

    /// <summary>" ".join(text.split()): whitespace runs collapsed to one space, ends trimmed.</summary>
    public static string CollapseWhitespace(string text) => string.Join(' ', SplitWhitespace(text));

    /// <summary>str.strip() with no argument.</summary>
    public static string Strip(string text)
    {
        int start = 0, end = text.Length;
        while (start < end && IsSpace(text[start])) start++;
        while (end > start && IsSpace(text[end - 1])) end--;
        return start == 0 && end == text.Length ? text : text.Substring(start, end - start);
    }

    /// <summary>str.lower(): full lower-case mappings, with U+03A3 becoming final sigma in the Final_Sigma context.</summary>
    public static string Lower(string text) => Lower(text, finalSigma: true);

    /// <summary>Lower-cases each code point on its own (as if each were its own string: no final-sigma context).</summary>
    public static string LowerEachCodePoint(string text) => Lower(text, finalSigma: false);

    private static string Lower(string text, bool finalSigma)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length;)
        {
            int cp = CodePointAt(text, i, out int w);
            string? mapped = cp == 0x3A3 && finalSigma && IsFinalSigma(text, i) ? "\u03C2" : PyUnicode.LowerMapping(cp);
            if (mapped is not null)
            {
                sb ??= new StringBuilder(text.Length).Append(text, 0, i);
                sb.Append(mapped);
            }
            else sb?.Append(text, i, w);
            i += w;
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>CPython's handle_capital_sigma: \p{Cased}\p{Case_Ignorable}* Σ !(\p{Case_Ignorable}* \p{Cased}).</summary>
    private static bool IsFinalSigma(string text, int index)
    {
        int j = index, c = 0;
        bool found = false;
        while (j > 0)
        {
            j--;
            if (char.IsLowSurrogate(text[j]) && j > 0 && char.IsHighSurrogate(text[j - 1])) j--;
            c = CodePointAt(text, j, out _);
            if (!PyUnicode.IsCaseIgnorable(c)) { found = true; break; }
        }
        if (!found || !PyUnicode.IsCased(c)) return false;
        for (int k = index + 1; k < text.Length;)
        {
            int d = CodePointAt(text, k, out int w);
            if (!PyUnicode.IsCaseIgnorable(d)) return !PyUnicode.IsCased(d);
            k += w;
        }
        return true;
    }
}
