using System.Globalization;
using System.Text;

namespace MedFM.Models.Clip.Tokenizers.Text;

/// <summary>
/// HTML character-reference decoding as CPython's <c>html.unescape</c> does it (Lib/html/__init__.py: HTML5 named
/// references, legacy names without ';' by longest prefix, numeric references with the HTML5 replacement table),
/// and ftfy's stricter <c>unescape_html</c> (ftfy/fixes.py: only references ending in ';', plus upper-cased names).
/// The entity table is the embedded html_entities.txt written by tools/tokenizers/make_unicode_tables.py.
/// </summary>
internal static class HtmlUnescape
{
    internal const string ResourceName = "MedFM.Models.Clip.Tokenizers.html_entities.txt";

    private static readonly Lazy<(Dictionary<string, string> Html5, Dictionary<string, string> Ftfy)> Tables =
        new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>html.unescape(text).</summary>
    public static string Unescape(string text)
    {
        int amp = text.IndexOf('&');
        if (amp < 0) return text;
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, amp);
        int i = amp;
        while (i < text.Length)
        {
            if (text[i] != '&') { sb.Append(text[i++]); continue; }
            int end = MatchReference(text, i + 1);
            if (end < 0) { sb.Append('&'); i++; continue; }
            sb.Append(Replace(text.Substring(i + 1, end - i - 1)));
            i = end;
        }
        return sb.ToString();
    }

    /// <summary>ftfy.fixes.unescape_html(text): only '&amp;name;' / '&amp;#n;' forms, upper-case names too.</summary>
    public static string FtfyUnescape(string text)
    {
        int amp = text.IndexOf('&');
        if (amp < 0) return text;
        var (_, ftfy) = Tables.Value;
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, amp);
        int i = amp;
        while (i < text.Length)
        {
            int end = text[i] == '&' ? MatchFtfyEntity(text, i) : -1;
            if (end < 0) { sb.Append(text[i++]); continue; }
            string entity = text.Substring(i, end - i);
            if (ftfy.TryGetValue(entity, out var value)) sb.Append(value);
            else if (entity.StartsWith("&#", StringComparison.Ordinal))
            {
                string decoded = Unescape(entity);
                sb.Append(decoded.Contains(';') ? entity : decoded);
            }
            else sb.Append(entity);
            i = end;
        }
        return sb.ToString();
    }

    /// <summary>ftfy's HTML_ENTITY_RE, &amp;#?[0-9A-Za-z]{1,24}; at text[start]; returns the end or -1.</summary>
    private static int MatchFtfyEntity(string text, int start)
    {
        int i = start + 1;
        if (i < text.Length && text[i] == '#') i++;
        int runStart = i;
        while (i < text.Length && char.IsAsciiLetterOrDigit(text[i]) && i - runStart < 25) i++;
        int run = i - runStart;
        if (run < 1 || run > 24 || i >= text.Length || text[i] != ';') return -1;
        return i + 1;
    }

    /// <summary>The charref pattern of html.unescape after '&amp;' at text[start]; returns the end or -1.</summary>
    private static int MatchReference(string text, int start)
    {
        int n = text.Length, i = start;
        if (i < n && text[i] == '#')
        {
            i++;
            bool hex = i < n && (text[i] == 'x' || text[i] == 'X');
            int digitsStart = hex ? i + 1 : i;
            int j = digitsStart;
            while (j < n && (hex ? char.IsAsciiHexDigit(text[j]) : char.IsAsciiDigit(text[j]))) j++;
            if (j == digitsStart)
            {
                if (!hex) return -1;
                // "&#x" without hex digits: the decimal alternative fails too ('x' is no digit).
                return -1;
            }
            return j < n && text[j] == ';' ? j + 1 : j;
        }
        int count = 0;
        while (i < n && count < 32)
        {
            char c = text[i];
            if (c is '\t' or '\n' or '\f' or ' ' or '<' or '&' or '#' or ';') break;
            i += char.IsHighSurrogate(c) && i + 1 < n && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            count++;
        }
        if (count == 0) return -1;
        return i < n && text[i] == ';' ? i + 1 : i;
    }

    private static string Replace(string s)
    {
        if (s[0] == '#') return ReplaceNumeric(s);
        var html5 = Tables.Value.Html5;
        if (html5.TryGetValue(s, out var value)) return value;
        for (int x = s.Length - 1; x > 1; x--)
            if (html5.TryGetValue(s.Substring(0, x), out value))
                return value + s.Substring(x);
        return "&" + s;
    }

    private static string ReplaceNumeric(string s)
    {
        bool hex = s[1] is 'x' or 'X';
        var digits = s.AsSpan(hex ? 2 : 1).TrimEnd(';');
        // A number too large for a long is past U+10FFFF either way.
        if (!long.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out long num) || num < 0)
            num = long.MaxValue;   // (a 16-digit hex number parses as a negative long)
        if (num <= 0x9F && InvalidCharRef(num) is { } replacement) return replacement;
        if (num is >= 0xD800 and <= 0xDFFF || num > 0x10FFFF) return "\uFFFD";
        if (IsInvalidCodePoint(num)) return "";
        return char.ConvertFromUtf32((int)num);
    }

    // html._invalid_charrefs: 0x00, 0x0D and 0x80-0x9F (windows-1252 meanings, undefined bytes kept).
    private static string? InvalidCharRef(long num) => num switch
    {
        0x00 => "\uFFFD",
        0x0D => "\r",
        >= 0x80 and <= 0x9F => Cp1252High[(int)num - 0x80].ToString(),
        _ => null,
    };

    private const string Cp1252High =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    /// <summary>The Windows-1252 character of a byte 0x80–0x9F (undefined bytes map to the C1 control itself).</summary>
    internal static char Windows1252High(int b) => Cp1252High[b - 0x80];

    // html._invalid_codepoints.
    private static bool IsInvalidCodePoint(long num) =>
        num is >= 0x1 and <= 0x8 or 0xB or >= 0xE and <= 0x1F or >= 0x7F and <= 0x9F or >= 0xFDD0 and <= 0xFDEF
        || (num & 0xFFFE) == 0xFFFE;

    private static (Dictionary<string, string>, Dictionary<string, string>) Load()
    {
        using var stream = typeof(HtmlUnescape).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new TokenizerException($"embedded resource '{ResourceName}' is missing");
        using var reader = new StreamReader(stream);
        var html5 = new Dictionary<string, string>(StringComparer.Ordinal);
        var ftfy = new Dictionary<string, string>(StringComparer.Ordinal);
        string? line;
        int lineNo = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split(' ');
            if (f.Length < 3 || (f[0] != "E" && f[0] != "U"))
                throw new TokenizerException(ResourceName, lineNo, $"malformed entity line '{line}'");
            var value = string.Concat(f.Skip(2).Select(h => char.ConvertFromUtf32(int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture))));
            if (f[0] == "E")
            {
                html5[f[1]] = value;
                if (f[1].EndsWith(';')) ftfy["&" + f[1]] = value;
            }
            else ftfy["&" + f[1]] = value;
        }
        return (html5, ftfy);
    }
}
