using System.Text;
using MedFM.Models.Clip.Tokenizers.Text;

namespace MedFM.Models.Clip.Tokenizers;

/// <summary>The text cleaning open_clip applies before tokenizing (get_clean_fn in src/open_clip/tokenizer.py).</summary>
public enum ClipTextClean
{
    /// <summary>'lower': basic clean, whitespace clean, lower-case. SimpleTokenizer's default (OpenAI CLIP).</summary>
    Lower,

    /// <summary>'whitespace': basic clean and whitespace clean, case kept. HFTokenizer's default (BiomedCLIP).</summary>
    Whitespace,

    /// <summary>'canonicalize': basic clean, '_' to space, ASCII punctuation removed, lower-case, whitespace clean.</summary>
    Canonicalize,

    /// <summary>No cleaning at all (not an open_clip mode: the text goes to the tokenizer as given).</summary>
    None,
}

/// <summary>
/// open_clip's text cleaning (src/open_clip/tokenizer.py): basic_clean = ftfy.fix_text, html.unescape twice,
/// strip; whitespace_clean = " ".join(text.split()); then per mode lower-casing or canonicalisation. Python
/// string semantics (isspace, lower with final sigma, NFC) come from <see cref="PyStr"/> and
/// <see cref="UnicodeNormalizer"/>; ftfy's mojibake repair is not ported (see <see cref="FtfyFixer"/>).
/// </summary>
public static class ClipTextCleaner
{
    /// <summary>Applies the given open_clip cleaning mode.</summary>
    public static string Clean(string text, ClipTextClean mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        return mode switch
        {
            ClipTextClean.Lower => PyStr.Lower(PyStr.CollapseWhitespace(BasicClean(text))),
            ClipTextClean.Whitespace => PyStr.CollapseWhitespace(BasicClean(text)),
            ClipTextClean.Canonicalize => Canonicalize(BasicClean(text)),
            ClipTextClean.None => text,
            _ => throw new TokenizerException($"unknown text cleaning mode {mode}"),
        };
    }

    /// <summary>basic_clean: ftfy.fix_text, html.unescape(html.unescape(...)), strip.</summary>
    public static string BasicClean(string text)
    {
        text = FtfyFixer.FixText(text);
        text = HtmlUnescape.Unescape(HtmlUnescape.Unescape(text));
        return PyStr.Strip(text);
    }

    /// <summary>ftfy.fix_text as far as it is ported (everything but the mojibake repair).</summary>
    public static string FixText(string text) => FtfyFixer.FixText(text);

    /// <summary>canonicalize_text without keep_punctuation_exact_string.</summary>
    private static string Canonicalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c == '_') sb.Append(' ');
            else if (!IsAsciiPunctuation(c)) sb.Append(c);
        }
        return PyStr.CollapseWhitespace(PyStr.Lower(sb.ToString()));
    }

    // Python's string.punctuation.
    private static bool IsAsciiPunctuation(char c) => c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~';
}
