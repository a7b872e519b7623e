namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// Settings of a BERT WordPiece tokenizer (the arguments of Hugging Face's BertTokenizer, or the normalizer and
/// model of a tokenizer.json), the row length, and the open_clip text cleaning that runs before it.
/// </summary>
public sealed record BertTokenizerOptions
{
    /// <summary>BiomedCLIP's PubMedBERT (microsoft/BiomedNLP-BiomedBERT-base-uncased-abstract) row length.</summary>
    public const int BiomedClipContextLength = 256;

    public bool LowerCase { get; init; } = true;

    /// <summary>null: strip accents exactly when lower-casing.</summary>
    public bool? StripAccents { get; init; }

    public bool TokenizeChineseChars { get; init; } = true;

    public bool CleanText { get; init; } = true;

    public int MaxInputCharsPerWord { get; init; } = 100;

    public string ContinuingSubwordPrefix { get; init; } = "##";

    public string UnknownToken { get; init; } = "[UNK]";

    public string ClsToken { get; init; } = "[CLS]";

    public string SepToken { get; init; } = "[SEP]";

    public string PadToken { get; init; } = "[PAD]";

    public string MaskToken { get; init; } = "[MASK]";

    /// <summary>Row length: [CLS] + at most ContextLength − 2 pieces + [SEP], padded with [PAD].</summary>
    public int ContextLength { get; init; } = BiomedClipContextLength;

    /// <summary>
    /// Cleaning applied before the tokenizer. open_clip's HFTokenizer (used by BiomedCLIP) runs its 'whitespace'
    /// clean first; plain Hugging Face use runs none.
    /// </summary>
    public ClipTextClean PreClean { get; init; } = ClipTextClean.None;

    /// <summary>The special tokens, in the order Hugging Face lists all_special_tokens.</summary>
    public IReadOnlyList<string> SpecialTokens => [UnknownToken, SepToken, PadToken, ClsToken, MaskToken];

    /// <summary>BiomedCLIP as open_clip runs it: uncased PubMedBERT, 'whitespace' clean, 256 ids per row.</summary>
    public static BertTokenizerOptions BiomedClip { get; } = new() { PreClean = ClipTextClean.Whitespace };
}
