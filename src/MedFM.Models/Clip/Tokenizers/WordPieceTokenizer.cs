namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// Greedy longest-match-first WordPiece, as Hugging Face's WordpieceTokenizer (github:huggingface/transformers
/// src/transformers/models/bert/tokenization_bert.py): each word is cut into the longest vocabulary prefix, then the
/// longest "##"-prefixed continuation, and so on; a word with a part that matches nothing, or longer than
/// <see cref="MaxInputCharsPerWord"/> code points, becomes the unknown token.
/// </summary>
public sealed class WordPieceTokenizer
{
    private readonly WordPieceVocabulary _vocab;

    public WordPieceTokenizer(WordPieceVocabulary vocabulary, int maxInputCharsPerWord = 100, string continuingSubwordPrefix = "##")
    {
        _vocab = vocabulary;
        if (maxInputCharsPerWord < 1) throw new TokenizerException($"max_input_chars_per_word must be >= 1, got {maxInputCharsPerWord}");
        MaxInputCharsPerWord = maxInputCharsPerWord;
        ContinuingSubwordPrefix = continuingSubwordPrefix;
    }

    public int MaxInputCharsPerWord { get; }

    public string ContinuingSubwordPrefix { get; }

    /// <summary>Appends the ids of one word (no whitespace inside) to <paramref name="output"/>.</summary>
    public void Tokenize(string word, List<int> output)
    {
        // Code-point boundaries: the reference slices a list of characters (code points), never inside a pair.
        var bounds = new List<int>(word.Length + 1);
        for (int i = 0; i < word.Length; i += char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1)
            bounds.Add(i);
        bounds.Add(word.Length);
        int chars = bounds.Count - 1;
        if (chars == 0) return;
        if (chars > MaxInputCharsPerWord) { output.Add(_vocab.UnknownId); return; }
        int mark = output.Count;
        int start = 0;
        while (start < chars)
        {
            int end = chars, found = -1;
            while (start < end)
            {
                var piece = word.AsSpan(bounds[start], bounds[end] - bounds[start]);
                if (_vocab.TryGetId(piece, start > 0 ? ContinuingSubwordPrefix : null, out found)) break;
                end--;
            }
            if (start == end)
            {
                output.RemoveRange(mark, output.Count - mark);
                output.Add(_vocab.UnknownId);
                return;
            }
            output.Add(found);
            start = end;
        }
    }
}
