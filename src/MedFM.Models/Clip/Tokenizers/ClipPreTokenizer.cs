using MedFM.Models.Clip.Tokenizers.Text;

namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// CLIP's pre-tokenization, a hand-written matcher equivalent to the reference pattern (compiled with the
/// `regex` module and IGNORECASE in SimpleTokenizer.__init__, github:mlfoundations/open_clip
/// src/open_clip/tokenizer.py):
/// <c>&lt;special tokens&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>, scanned as re.findall:
/// at each position the first alternative that matches wins, and a position where none matches (whitespace) is
/// skipped. Letters and numbers are Unicode general categories L* and N* per CPython's tables.
/// </summary>
public static class ClipPreTokenizer
{
    private static readonly string[] Contractions = ["s", "t", "re", "ve", "m", "ll", "d"];

    /// <summary>The pre-tokens of (cleaned) text, in order.</summary>
    public static IEnumerable<string> Split(string text, IReadOnlyList<string> specialTokens)
    {
        int i = 0, n = text.Length;
        while (i < n)
        {
            int end = MatchAt(text, i, specialTokens);
            if (end < 0)
            {
                PyStr.CodePointAt(text, i, out int w);
                i += w;
                continue;
            }
            yield return text.Substring(i, end - i);
            i = end;
        }
    }

    /// <summary>End of the match starting at index i, or -1 when no alternative matches there.</summary>
    private static int MatchAt(string text, int i, IReadOnlyList<string> specialTokens)
    {
        foreach (var special in specialTokens)
            if (MatchesIgnoreCase(text, i, special)) return i + special.Length;
        if (text[i] == '\'')
            foreach (var c in Contractions)
                if (MatchesIgnoreCase(text, i + 1, c)) return i + 1 + c.Length;
        int cp = PyStr.CodePointAt(text, i, out int w);
        if (PyUnicode.IsLetter(cp)) return Run(text, i, PyUnicode.IsLetter);
        if (PyUnicode.IsNumber(cp)) return i + w;
        if (!PyStr.IsRegexSpace(cp)) return Run(text, i, static c => !PyStr.IsRegexSpace(c) && !PyUnicode.IsLetter(c) && !PyUnicode.IsNumber(c));
        return -1;
    }

    private static int Run(string text, int i, Func<int, bool> inClass)
    {
        while (i < text.Length)
        {
            int cp = PyStr.CodePointAt(text, i, out int w);
            if (!inClass(cp)) break;
            i += w;
        }
        return i;
    }

    private static bool MatchesIgnoreCase(string text, int start, string literal)
    {
        if (start + literal.Length > text.Length) return false;
        for (int k = 0; k < literal.Length; k++)
            if (!FoldEquals(text[start + k], literal[k])) return false;
        return true;
    }

    /// <summary>
    /// Case-insensitive character equality as the `regex` module's IGNORECASE applies it: simple case folding,
    /// under which U+017F (long s) matches 's', U+212A (Kelvin sign) matches 'k' and U+0130 matches 'i'.
    /// </summary>
    private static bool FoldEquals(char a, char b)
    {
        if (a == b) return true;
        char la = char.ToLowerInvariant(a), lb = char.ToLowerInvariant(b);
        if (la == lb) return true;
        return Fold(la) == Fold(lb);
    }

    private static char Fold(char c) => c switch
    {
        '\u017F' => 's',
        '\u212A' => 'k',
        '\u0130' => 'i',
        _ => c,
    };
}
