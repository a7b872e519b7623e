using System.Text;
using MedFM.Models.Clip.Tokenizers.Text;

namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// BERT's basic tokenization, as Hugging Face's BasicTokenizer (github:huggingface/transformers
/// src/transformers/models/bert/tokenization_bert.py, with _is_control / _is_whitespace / _is_punctuation from
/// src/transformers/tokenization_utils.py): drop NUL, U+FFFD and control characters, turn whitespace into spaces,
/// surround CJK ideographs with spaces, split on whitespace, lower-case and strip accents (NFD, drop Mn) per word,
/// then split every punctuation character off as its own token. Unicode facts are CPython's (<see cref="PyUnicode"/>).
/// </summary>
public sealed class BertBasicTokenizer
{
    public BertBasicTokenizer(bool lowerCase = true, bool? stripAccents = null, bool tokenizeChineseChars = true, bool cleanText = true)
    {
        LowerCase = lowerCase;
        StripAccents = stripAccents;
        TokenizeChineseChars = tokenizeChineseChars;
        CleanTextEnabled = cleanText;
    }

    /// <summary>Drop control characters and map whitespace to spaces first (always on in the slow tokenizer; the
    /// "clean_text" flag of a tokenizer.json BertNormalizer).</summary>
    public bool CleanTextEnabled { get; }

    public bool LowerCase { get; }

    /// <summary>null: strip accents exactly when lower-casing (original BERT).</summary>
    public bool? StripAccents { get; }

    public bool TokenizeChineseChars { get; }

    /// <summary>Words and punctuation of a text; words in <paramref name="neverSplit"/> are kept as they are.</summary>
    public List<string> Tokenize(string text, IReadOnlySet<string>? neverSplit = null)
    {
        if (CleanTextEnabled) text = CleanText(text);
        if (TokenizeChineseChars) text = SpaceChineseChars(text);
        var split = new List<string>();
        foreach (var word in PyStr.SplitWhitespace(text))
        {
            string token = word;
            if (neverSplit is null || !neverSplit.Contains(token))
            {
                if (LowerCase)
                {
                    token = PyStr.Lower(token);
                    if (StripAccents != false) token = RemoveAccents(token);
                }
                else if (StripAccents == true) token = RemoveAccents(token);
            }
            SplitOnPunctuation(token, neverSplit, split);
        }
        // The reference re-joins with spaces and splits again; no step above can create whitespace inside a piece,
        // so dropping empty pieces is the same.
        split.RemoveAll(static s => s.Length == 0);
        return split;
    }

    /// <summary>_run_strip_accents: NFD, then drop every non-spacing mark (Mn).</summary>
    public static string RemoveAccents(string text)
    {
        string nfd = UnicodeNormalizer.Nfd(text);
        StringBuilder? sb = null;
        for (int i = 0; i < nfd.Length;)
        {
            int cp = PyStr.CodePointAt(nfd, i, out int w);
            bool mark = PyUnicode.Category(cp) == System.Globalization.UnicodeCategory.NonSpacingMark;
            if (mark) sb ??= new StringBuilder(nfd.Length).Append(nfd, 0, i);
            else sb?.Append(nfd, i, w);
            i += w;
        }
        return sb?.ToString() ?? nfd;
    }

    /// <summary>_is_punctuation: ASCII non-alphanumeric printables, or any Unicode P* category.</summary>
    public static bool IsPunctuation(int cp) =>
        cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126 || PyUnicode.IsPunctuation(cp);

    /// <summary>_is_whitespace: space, \t, \n, \r or category Zs.</summary>
    public static bool IsWhitespace(int cp) =>
        cp is ' ' or '\t' or '\n' or '\r' || PyUnicode.Category(cp) == System.Globalization.UnicodeCategory.SpaceSeparator;

    /// <summary>_is_control: any C* category except \t, \n, \r.</summary>
    public static bool IsControl(int cp) => cp is not ('\t' or '\n' or '\r') && PyUnicode.IsOther(cp);

    /// <summary>_is_chinese_char: the CJK Unified Ideographs blocks BERT lists.</summary>
    public static bool IsChineseChar(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;

    private static string CleanText(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length;)
        {
            int cp = PyStr.CodePointAt(text, i, out int w);
            if (cp == 0 || cp == 0xFFFD || IsControl(cp)) { i += w; continue; }
            if (IsWhitespace(cp)) sb.Append(' ');
            else sb.Append(text, i, w);
            i += w;
        }
        return sb.ToString();
    }

    private static string SpaceChineseChars(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        for (int i = 0; i < text.Length;)
        {
            int cp = PyStr.CodePointAt(text, i, out int w);
            if (IsChineseChar(cp)) sb.Append(' ').Append(text, i, w).Append(' ');
            else sb.Append(text, i, w);
            i += w;
        }
        return sb.ToString();
    }

    private static void SplitOnPunctuation(string token, IReadOnlySet<string>? neverSplit, List<string> output)
    {
        if (neverSplit is not null && neverSplit.Contains(token)) { output.Add(token); return; }
        int start = 0;
        for (int i = 0; i < token.Length;)
        {
            int cp = PyStr.CodePointAt(token, i, out int w);
            if (IsPunctuation(cp))
            {
                if (i > start) output.Add(token.Substring(start, i - start));
                output.Add(token.Substring(i, w));
                start = i + w;
            }
            i += w;
        }
        if (start < token.Length) output.Add(token.Substring(start));
    }
}
