using System.Text;
using MedFM.Models.Clip.Tokenizers.Text;

namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// BERT WordPiece tokenization as Hugging Face's BertTokenizer (github:huggingface/transformers
/// src/transformers/models/bert/tokenization_bert.py and PreTrainedTokenizer.tokenize in
/// src/transformers/tokenization_utils.py), for BiomedCLIP's PubMedBERT text tower:
/// special tokens written in the text ("[MASK]") are kept whole; with lower-casing, the rest is lower-cased one
/// code point at a time; <see cref="BertBasicTokenizer"/> then <see cref="WordPieceTokenizer"/> run on it.
/// A batch row is [CLS] ids [SEP], padded with [PAD] to the context length; longer texts keep their first
/// context length − 2 pieces (truncation=True, longest_first) and are reported in <see cref="TokenBatch.Truncated"/>.
/// </summary>
public sealed class BertTokenizer : ITextTokenizer
{
    private readonly BertBasicTokenizer _basic;
    private readonly WordPieceTokenizer _wordPiece;
    private readonly HashSet<string> _specials;

    public BertTokenizer(WordPieceVocabulary vocabulary, BertTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        Options = options ?? new BertTokenizerOptions();
        CheckContextLength(Options.ContextLength);
        Vocabulary = vocabulary;
        _basic = new BertBasicTokenizer(Options.LowerCase, Options.StripAccents, Options.TokenizeChineseChars, Options.CleanText);
        _wordPiece = new WordPieceTokenizer(vocabulary, Options.MaxInputCharsPerWord, Options.ContinuingSubwordPrefix);
        _specials = new HashSet<string>(Options.SpecialTokens, StringComparer.Ordinal);
        ClsId = RequireId(Options.ClsToken);
        SepId = RequireId(Options.SepToken);
        PadId = RequireId(Options.PadToken);
    }

    /// <summary>Reads a vocab.txt; options default to uncased BERT with 256 ids per row and no pre-clean.</summary>
    public static BertTokenizer FromVocabTxt(string path, BertTokenizerOptions? options = null)
    {
        options ??= new BertTokenizerOptions();
        return new BertTokenizer(WordPieceVocabulary.FromVocabTxt(path, options.UnknownToken), options);
    }

    /// <summary>Reads a tokenizer.json; its normalizer and model settings override those of <paramref name="defaults"/>.</summary>
    public static BertTokenizer FromTokenizerJson(string path, BertTokenizerOptions? defaults = null)
    {
        var (vocab, options) = TokenizerJsonReader.Read(path, defaults);
        return new BertTokenizer(vocab, options);
    }

    public WordPieceVocabulary Vocabulary { get; }

    public BertTokenizerOptions Options { get; }

    public int ContextLength => Options.ContextLength;

    public int VocabularySize => Vocabulary.Count;

    public int ClsId { get; }

    public int SepId { get; }

    public int PadId { get; }

    /// <inheritdoc/>
    public int[] Encode(string text) => EncodeCore(text, int.MaxValue).ToArray();

    /// <summary>The WordPiece token strings of a text (e.g. "pneum", "##onia"), for inspection.</summary>
    public string[] EncodeToTokens(string text) => Array.ConvertAll(Encode(text), Vocabulary.Token);

    private List<int> EncodeCore(string text, int limit)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = ClipTextCleaner.Clean(text, Options.PreClean);
        var ids = new List<int>();
        foreach (var (segment, special) in SplitOnSpecialTokens(text))
        {
            if (special) { ids.Add(RequireId(segment)); }
            else
            {
                string part = Options.LowerCase ? PyStr.LowerEachCodePoint(segment) : segment;
                foreach (var word in _basic.Tokenize(part, _specials))
                {
                    _wordPiece.Tokenize(word, ids);
                    if (ids.Count > limit) return ids;
                }
            }
            if (ids.Count > limit) return ids;
        }
        return ids;
    }

    /// <summary>Cuts text around special tokens (leftmost first; none of BERT's is a prefix of another).</summary>
    private IEnumerable<(string Text, bool Special)> SplitOnSpecialTokens(string text)
    {
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            foreach (var special in Options.SpecialTokens)
            {
                if (special.Length == 0 || string.CompareOrdinal(text, i, special, 0, special.Length) != 0) continue;
                if (i > start) yield return (text.Substring(start, i - start), false);
                yield return (special, true);
                start = i + special.Length;
                i = start - 1;
                break;
            }
        }
        if (start < text.Length) yield return (text.Substring(start), false);
    }

    /// <inheritdoc/>
    public TokenBatch Tokenize(IReadOnlyList<string> texts, int? contextLength = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int length = contextLength ?? ContextLength;
        CheckContextLength(length);
        var rows = new int[texts.Count][];
        var truncated = new bool[texts.Count];
        for (int r = 0; r < texts.Count; r++)
        {
            var ids = EncodeCore(texts[r] ?? throw new TokenizerException($"text {r} of the batch is null"), length - 2);
            truncated[r] = ids.Count > length - 2;
            int kept = Math.Min(ids.Count, length - 2);
            var row = new int[kept + 2];
            row[0] = ClsId;
            ids.CopyTo(0, row, 1, kept);
            row[kept + 1] = SepId;
            rows[r] = row;
        }
        return TokenBatch.Pack(rows, truncated, length, PadId);
    }

    /// <summary>Tokenizes one text into a one-row batch.</summary>
    public TokenBatch Tokenize(string text, int? contextLength = null) => Tokenize([text], contextLength);

    /// <inheritdoc/>
    /// <remarks>convert_tokens_to_string then clean_up_tokenization: tokens joined by spaces, " ##" removed, ends
    /// trimmed, and the spaces before . ? ! , and English contractions removed. Special tokens are kept.</remarks>
    public string Decode(ReadOnlySpan<int> ids) => Decode(ids, skipSpecialTokens: false);

    /// <summary>Decodes ids, optionally leaving out [CLS], [SEP], [PAD], [UNK] and [MASK].</summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        var tokens = new List<string>(ids.Length);
        foreach (int id in ids)
        {
            string token = Vocabulary.Token(id);
            if (skipSpecialTokens && _specials.Contains(token)) continue;
            tokens.Add(token);
        }
        string joined = string.Join(' ', tokens).Replace(" " + Options.ContinuingSubwordPrefix, "", StringComparison.Ordinal);
        var text = new StringBuilder(PyStr.Strip(joined));
        foreach (var (from, to) in CleanUps) text.Replace(from, to);
        return text.ToString();
    }

    private static readonly (string, string)[] CleanUps =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"),
        (" 've", "'ve"), (" 're", "'re"),
    ];

    private int RequireId(string token) =>
        Vocabulary.TryGetId(token, out int id) ? id : throw new TokenizerException($"special token '{token}' is not in the vocabulary");

    private static void CheckContextLength(int contextLength)
    {
        if (contextLength < 2)
            throw new TokenizerException($"context length must be at least 2 (room for [CLS] and [SEP]), got {contextLength}");
    }
}
