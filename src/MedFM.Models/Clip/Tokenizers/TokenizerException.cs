namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// A tokenizer that cannot be built or used: a missing or malformed vocabulary / merges / tokenizer.json file
/// (the message names the file and the 1-based line, or the JSON path), an invalid option such as a context
/// length below 2, or a token id outside the vocabulary.
/// </summary>
public sealed class TokenizerException : Exception
{
    /// <summary>The file at fault, when the error comes from a file.</summary>
    public string? FilePath { get; }

    /// <summary>The 1-based line at fault, when the error comes from a line-oriented file.</summary>
    public int? Line { get; }

    public TokenizerException(string message, Exception? inner = null) : base(message, inner) { }

    public TokenizerException(string? filePath, int? line, string detail, Exception? inner = null)
        : base(Compose(filePath, line, detail), inner)
    {
        FilePath = filePath;
        Line = line;
    }

    private static string Compose(string? filePath, int? line, string detail)
    {
        var where = filePath ?? "<stream>";
        return line is { } l ? $"{where}, line {l}: {detail}" : $"{where}: {detail}";
    }
}
