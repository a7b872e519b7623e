namespace MedFM.Models.Clip.Tokenizers;

/// <summary>A text tokenizer of an image–text model: text in, padded token-id rows out.</summary>
public interface ITextTokenizer
{
    /// <summary>The row length that <see cref="Tokenize(IReadOnlyList{string}, int?)"/> uses by default.</summary>
    int ContextLength { get; }

    /// <summary>Number of ids in the vocabulary (special tokens included).</summary>
    int VocabularySize { get; }

    /// <summary>The id padding positions hold.</summary>
    int PadId { get; }

    /// <summary>Token ids of one text, without special tokens, truncation or padding.</summary>
    int[] Encode(string text);

    /// <summary>Tokenizes texts into a padded batch: special tokens, truncation (reported per row), padding.</summary>
    TokenBatch Tokenize(IReadOnlyList<string> texts, int? contextLength = null);

    /// <summary>Turns ids back into text, as the reference tokenizer's decode does.</summary>
    string Decode(ReadOnlySpan<int> ids);
}
