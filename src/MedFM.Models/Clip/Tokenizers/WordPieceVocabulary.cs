using System.Text;

namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// A WordPiece vocabulary: token → id, read from a BERT vocab.txt (one token per line, id = line index, as
/// load_vocab in github:huggingface/transformers src/transformers/models/bert/tokenization_bert.py) or given as a
/// dictionary (the "model.vocab" object of a tokenizer.json, see <see cref="TokenizerJsonReader"/>).
/// </summary>
public sealed class WordPieceVocabulary
{
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIds;
    private readonly Dictionary<int, string> _tokens;

    private WordPieceVocabulary(Dictionary<string, int> ids, Dictionary<int, string> tokens, string unknownToken, string source)
    {
        _ids = ids;
        _spanIds = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _tokens = tokens;
        if (!ids.TryGetValue(unknownToken, out int unk))
            throw new TokenizerException(source, null, $"the unknown token '{unknownToken}' is not in the vocabulary");
        UnknownToken = unknownToken;
        UnknownId = unk;
        Count = tokens.Count == 0 ? 0 : tokens.Keys.Max() + 1;
    }

    /// <summary>One more than the largest id.</summary>
    public int Count { get; }

    public string UnknownToken { get; }

    public int UnknownId { get; }

    /// <summary>Reads a vocab.txt file.</summary>
    public static WordPieceVocabulary FromVocabTxt(string path, string unknownToken = "[UNK]")
    {
        if (!File.Exists(path)) throw new TokenizerException(path, null, "WordPiece vocabulary file not found");
        using var stream = File.OpenRead(path);
        return FromVocabTxt(stream, path, unknownToken);
    }

    /// <summary>
    /// Reads vocab.txt from a stream. As Python's text-mode readlines: "\r\n" and "\r" end lines like "\n", and the
    /// newline after the last token does not make an extra entry. A token that appears twice keeps its last id.
    /// </summary>
    public static WordPieceVocabulary FromVocabTxt(Stream stream, string name, string unknownToken = "[UNK]")
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokens = new Dictionary<int, string>();
        string text = TextFiles.ReadUtf8(stream, name);
        var reader = new StringReader(text);
        int index = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            ids[line] = index;
            tokens[index] = line;
            index++;
        }
        if (index == 0) throw new TokenizerException(name, null, "WordPiece vocabulary file is empty");
        return new WordPieceVocabulary(ids, tokens, unknownToken, name);
    }

    /// <summary>Builds a vocabulary from token → id pairs (ids must be non-negative and distinct).</summary>
    public static WordPieceVocabulary FromDictionary(IReadOnlyDictionary<string, int> vocabulary, string unknownToken, string source)
    {
        var ids = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        var tokens = new Dictionary<int, string>(vocabulary.Count);
        foreach (var (token, id) in vocabulary)
        {
            if (id < 0) throw new TokenizerException(source, null, $"token '{token}' has a negative id {id}");
            if (!tokens.TryAdd(id, token))
                throw new TokenizerException(source, null, $"id {id} is given to both '{tokens[id]}' and '{token}'");
            ids[token] = id;
        }
        if (ids.Count == 0) throw new TokenizerException(source, null, "the vocabulary is empty");
        return new WordPieceVocabulary(ids, tokens, unknownToken, source);
    }

    /// <summary>The id of a token.</summary>
    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    /// <summary>The id of prefix + piece, without allocating for short pieces.</summary>
    internal bool TryGetId(ReadOnlySpan<char> piece, string? prefix, out int id)
    {
        if (string.IsNullOrEmpty(prefix)) return _spanIds.TryGetValue(piece, out id);
        int n = prefix.Length + piece.Length;
        Span<char> buffer = n <= 256 ? stackalloc char[n] : new char[n];
        prefix.AsSpan().CopyTo(buffer);
        piece.CopyTo(buffer[prefix.Length..]);
        return _spanIds.TryGetValue(buffer, out id);
    }

    /// <summary>
    /// The token of an id, as _convert_id_to_token: an id whose token string reappears later in vocab.txt (so the
    /// token maps to the later id) and an id outside the vocabulary both give the unknown token.
    /// </summary>
    public string Token(int id) =>
        _tokens.TryGetValue(id, out var token) && _ids[token] == id ? token : UnknownToken;
}
