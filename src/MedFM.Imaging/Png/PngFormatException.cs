namespace MedFM.Imaging.Png;

/// <summary>A malformed PNG: names the file, the byte offset (of the chunk or field) and what was expected vs found.</summary>
public class PngFormatException : ImageFormatException
{
    public PngFormatException(string? filePath, long? offset, string detail, Exception? inner = null)
        : base("PNG", filePath, offset, detail, inner) { }
}
