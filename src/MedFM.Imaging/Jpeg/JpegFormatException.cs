namespace MedFM.Imaging.Jpeg;

/// <summary>A malformed JPEG: names the file, the byte offset (marker or scan position) and what was expected vs found.</summary>
public class JpegFormatException : ImageFormatException
{
    public JpegFormatException(string? filePath, long? offset, string detail, Exception? inner = null)
        : base("JPEG", filePath, offset, detail, inner) { }
}
