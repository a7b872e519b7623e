using System.Text;

namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// CLIP's text tokenizer: open_clip's SimpleTokenizer (github:mlfoundations/open_clip src/open_clip/tokenizer.py,
/// itself from github:openai/CLIP clip/simple_tokenizer.py). Text is cleaned (<see cref="ClipTextCleaner"/>),
/// pre-tokenized (<see cref="ClipPreTokenizer"/>), each pre-token's UTF-8 bytes mapped to characters
/// (<see cref="ByteEncoder"/>) and merged by BPE (<see cref="BytePairEncoder"/>). A batch row is
/// &lt;start_of_text&gt; ids &lt;end_of_text&gt;, zero-padded to the context length (77); a longer row is cut to
/// the context length with its last id replaced by &lt;end_of_text&gt;, and reported in <see cref="TokenBatch.Truncated"/>.
/// </summary>
public sealed class ClipTokenizer : ITextTokenizer
{
    public const int DefaultContextLength = 77;

    private readonly BytePairEncoder _bpe;

    public ClipTokenizer(BpeVocabulary vocabulary, int contextLength = DefaultContextLength, ClipTextClean clean = ClipTextClean.Lower)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        CheckContextLength(contextLength);
        Vocabulary = vocabulary;
        ContextLength = contextLength;
        Clean = clean;
        _bpe = new BytePairEncoder(vocabulary);
    }

    /// <summary>Loads the merges file (e.g. bpe_simple_vocab_16e6.txt.gz) and builds OpenAI CLIP's tokenizer.</summary>
    public static ClipTokenizer FromFile(string mergesPath, int contextLength = DefaultContextLength, ClipTextClean clean = ClipTextClean.Lower) =>
        new(BpeVocabulary.Load(mergesPath), contextLength, clean);

    public BpeVocabulary Vocabulary { get; }

    public ClipTextClean Clean { get; }

    public int ContextLength { get; }

    public int VocabularySize => Vocabulary.Count;

    /// <summary>CLIP pads with 0 (which is also the id of '!'; the attention mask tells them apart).</summary>
    public int PadId => 0;

    public int StartOfTextId => Vocabulary.StartOfTextId;

    public int EndOfTextId => Vocabulary.EndOfTextId;

    /// <summary>Uses the reference's pass-by-pass BPE for every word (tests compare it with the heap path).</summary>
    internal bool ForcePassByPass { init => _bpe = new BytePairEncoder(Vocabulary) { ForcePassByPass = value }; }

    /// <inheritdoc/>
    public int[] Encode(string text) => EncodeCore(text, int.MaxValue).ToArray();

    /// <summary>The BPE token strings of a text (e.g. "photo&lt;/w&gt;"), for inspection.</summary>
    public string[] EncodeToTokens(string text) => Array.ConvertAll(Encode(text), Vocabulary.Token);

    /// <summary>Ids of one text, stopping once more than <paramref name="limit"/> are known.</summary>
    private List<int> EncodeCore(string text, int limit)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        string cleaned = ClipTextCleaner.Clean(text, Clean);
        foreach (var piece in ClipPreTokenizer.Split(cleaned, Vocabulary.SpecialTokens))
        {
            ids.AddRange(_bpe.Encode(ByteEncoder.EncodeUtf8(piece)));
            if (ids.Count > limit) break;
        }
        return ids;
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
            // Up to length - 2 content ids fit; knowing one more is enough to tell that the row is cut.
            var ids = EncodeCore(texts[r] ?? throw new TokenizerException($"text {r} of the batch is null"), length - 2);
            truncated[r] = ids.Count > length - 2;
            int kept = Math.Min(ids.Count, length - 2);
            var row = new int[kept + 2];
            row[0] = StartOfTextId;
            ids.CopyTo(0, row, 1, kept);
            row[kept + 1] = EndOfTextId;
            rows[r] = row;
        }
        return TokenBatch.Pack(rows, truncated, length, PadId);
    }

    /// <summary>Tokenizes one text into a one-row batch.</summary>
    public TokenBatch Tokenize(string text, int? contextLength = null) => Tokenize([text], contextLength);

    /// <inheritdoc/>
    /// <remarks>As SimpleTokenizer.decode: token strings joined, characters turned back into bytes, the bytes
    /// decoded as UTF-8 with U+FFFD for invalid sequences, then every "&lt;/w&gt;" replaced by a space. Special and
    /// padding ids are decoded like any other (0 is '!').</remarks>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var bytes = new List<byte>(ids.Length * 4);
        foreach (int id in ids)
        {
            foreach (char c in Vocabulary.Token(id))
            {
                if (!ByteEncoder.TryDecode(c, out byte b))
                    throw new TokenizerException($"token {id} holds U+{(int)c:X4}, which is not a byte-level BPE symbol");
                bytes.Add(b);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray()).Replace(BpeVocabulary.EndOfWord, " ", StringComparison.Ordinal);
    }

    /// <summary>Decodes ids held as longs (such as a <see cref="TokenBatch"/> row).</summary>
    public string Decode(ReadOnlySpan<long> ids)
    {
        var narrowed = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++)
            narrowed[i] = ids[i] is >= int.MinValue and <= int.MaxValue ? (int)ids[i] : throw new TokenizerException($"token id {ids[i]} is outside the vocabulary");
        return Decode(narrowed);
    }

    private static void CheckContextLength(int contextLength)
    {
        if (contextLength < 2)
            throw new TokenizerException($"context length must be at least 2 (room for <start_of_text> and <end_of_text>), got {contextLength}");
    }
}
