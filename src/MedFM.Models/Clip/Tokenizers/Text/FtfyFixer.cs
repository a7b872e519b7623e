using System.Text;

namespace MedFM.Models.Clip.Tokenizers.Text;

/// <summary>
/// The part of ftfy.fix_text (github:rspeer/python-ftfy, ftfy/__init__.py and ftfy/fixes.py, version 6.3) that
/// the CLIP text cleaning runs, with ftfy's default configuration: per line, repeated until nothing changes:
/// unescape_html ('auto': off once a line holds '&lt;'), fix_c1_controls, fix_latin_ligatures, fix_character_width,
/// uncurl_quotes, fix_line_breaks, fix_surrogates, remove_terminal_escapes, remove_control_chars, then NFC.
/// <para>Not ported: fix_encoding, ftfy's heuristic mojibake repair (text such as "cafÃ©" that ftfy.badness
/// flags as bad is passed through unchanged here, where ftfy would re-decode it).</para>
/// </summary>
internal static class FtfyFixer
{
    /// <summary>ftfy.fix_text(text) without the mojibake repair.</summary>
    public static string FixText(string text)
    {
        if (IsPlainAscii(text)) return text;
        var output = new StringBuilder(text.Length);
        bool unescapeHtml = true;
        int pos = 0;
        while (pos < text.Length)
        {
            int brk = text.IndexOf('\n', pos);
            int end = brk < 0 ? text.Length : brk + 1;
            string segment = text.Substring(pos, end - pos);
            if (unescapeHtml && segment.Contains('<')) unescapeHtml = false;
            output.Append(FixSegment(segment, unescapeHtml));
            pos = end;
        }
        return output.ToString();
    }

    /// <summary>Printable ASCII, tabs and newlines without '&amp;': text that no ported fixer changes.</summary>
    private static bool IsPlainAscii(string text)
    {
        foreach (char c in text)
            if (c is > '~' or '&' || (c < ' ' && c is not ('\t' or '\n'))) return false;
        return true;
    }

    private static string FixSegment(string text, bool unescapeHtml)
    {
        while (true)
        {
            string original = text;
            if (unescapeHtml) text = HtmlUnescape.FtfyUnescape(text);
            text = MapCodePoints(text, C1AndLigaturesAndWidth);
            text = MapCodePoints(text, Quotes);
            text = FixLineBreaks(text);
            text = MapCodePoints(text, LoneSurrogate);
            text = RemoveTerminalEscapes(text);
            text = MapCodePoints(text, ControlChars);
            text = UnicodeNormalizer.Nfc(text);
            if (text == original) return text;
        }
    }

    // fix_c1_controls, fix_latin_ligatures and fix_character_width map code points independently and their
    // outputs never feed one another (C1 -> Windows-1252 text, ligatures -> Latin letters, width -> ASCII/kana),
    // so one pass in ftfy's order is equivalent to three.
    private static string? C1AndLigaturesAndWidth(int cp)
    {
        if (cp is >= 0x80 and <= 0x9F)
        {
            string w = HtmlUnescape.Windows1252High(cp).ToString();
            return Ligature(w[0]) ?? PyUnicode.WidthMapping(w[0]) ?? w;
        }
        return Ligature(cp) ?? PyUnicode.WidthMapping(cp);
    }

    // ftfy/chardata.py LIGATURES: Latin typographic ligatures and legacy digraphs.
    private static string? Ligature(int cp) => cp switch
    {
        0x0132 => "IJ", 0x0133 => "ij", 0x0149 => "\u02BCn",
        0x01F1 => "DZ", 0x01F2 => "Dz", 0x01F3 => "dz",
        0x01C4 => "D\u017D", 0x01C5 => "D\u017E", 0x01C6 => "d\u017E",
        0x01C7 => "LJ", 0x01C8 => "Lj", 0x01C9 => "lj",
        0x01CA => "NJ", 0x01CB => "Nj", 0x01CC => "nj",
        0xFB00 => "ff", 0xFB01 => "fi", 0xFB02 => "fl", 0xFB03 => "ffi", 0xFB04 => "ffl",
        0xFB05 => "\u017Ft", 0xFB06 => "st",
        _ => null,
    };

    // uncurl_quotes: [\u02bc\u2018-\u201b] -> ', [\u201c-\u201f] -> ".
    private static string? Quotes(int cp) => cp switch
    {
        0x02BC or >= 0x2018 and <= 0x201B => "'",
        >= 0x201C and <= 0x201F => "\"",
        _ => null,
    };

    // fix_surrogates: a surrogate that is not half of a pair becomes U+FFFD (pairs were joined by code-point iteration).
    private static string? LoneSurrogate(int cp) => cp is >= 0xD800 and <= 0xDFFF ? "\uFFFD" : null;

    // remove_control_chars: C0 controls other than \t \n \f \r, DEL, deprecated Arabic format controls, the BOM,
    // interlinear annotation marks and the object replacement character are deleted.
    private static string? ControlChars(int cp) =>
        cp is >= 0x00 and <= 0x08 or 0x0B or >= 0x0E and <= 0x1F or 0x7F or >= 0x206A and <= 0x206F or 0xFEFF
            or >= 0xFFF9 and <= 0xFFFC
            ? ""
            : null;

    private static string FixLineBreaks(string text)
    {
        if (text.IndexOfAny(['\r', '\u2028', '\u2029', '\u0085']) < 0) return text;
        return text.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u2028', '\n').Replace('\u2029', '\n').Replace('\u0085', '\n');
    }

    /// <summary>remove_terminal_escapes: ESC '[' (\d | ';')* [a-zA-Z] is deleted (\d being any Unicode digit).</summary>
    private static string RemoveTerminalEscapes(string text)
    {
        int esc = text.IndexOf('\u001B');
        if (esc < 0) return text;
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, esc);
        int i = esc;
        while (i < text.Length)
        {
            if (text[i] == '\u001B' && i + 1 < text.Length && text[i + 1] == '[')
            {
                int j = i + 2;
                while (j < text.Length)
                {
                    int cp = PyStr.CodePointAt(text, j, out int w);
                    if (cp != ';' && PyUnicode.Category(cp) != System.Globalization.UnicodeCategory.DecimalDigitNumber) break;
                    j += w;
                }
                if (j < text.Length && char.IsAsciiLetter(text[j])) { i = j + 1; continue; }
            }
            sb.Append(text[i++]);
        }
        return sb.ToString();
    }

    private static string MapCodePoints(string text, Func<int, string?> map)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length;)
        {
            int cp = PyStr.CodePointAt(text, i, out int w);
            string? mapped = map(cp);
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
}
