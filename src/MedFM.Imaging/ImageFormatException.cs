using System.Globalization;

namespace MedFM.Imaging;

/// <summary>
/// A file (or byte stream) that is not a valid image of the format its reader expects.
/// Names the format, the file (when known), the byte offset (when known) and what was expected vs found.
/// Format families derive from it (NiftiFormatException, PngFormatException, JpegFormatException, DICOM's).
/// </summary>
public class ImageFormatException : ImagingException
{
    public ImageFormatException(string format, string? filePath, long? offset, string detail, Exception? inner = null)
        : base(Compose(format, filePath, offset, detail), inner)
    {
        Format = format;
        FilePath = filePath;
        Offset = offset;
        Detail = detail;
    }

    /// <summary>The format name, e.g. "NIfTI", "PNG", "JPEG".</summary>
    public string Format { get; }

    /// <summary>The file being read, or null for an in-memory stream.</summary>
    public string? FilePath { get; }

    /// <summary>The byte offset where the problem was found (in the decompressed stream for .nii.gz), or null.</summary>
    public long? Offset { get; }

    /// <summary>The description without the format/file/offset prefix.</summary>
    public string Detail { get; }

    private static string Compose(string format, string? filePath, long? offset, string detail)
    {
        var where = filePath is null ? "<stream>" : filePath;
        return offset is { } o
            ? string.Create(CultureInfo.InvariantCulture, $"{format}: {where}: at byte {o}: {detail}")
            : $"{format}: {where}: {detail}";
    }
}

/// <summary>A valid file that uses a feature this library does not implement (e.g. arithmetic-coded JPEG).</summary>
public class UnsupportedImageFeatureException : ImageFormatException
{
    public UnsupportedImageFeatureException(string format, string? filePath, long? offset, string detail)
        : base(format, filePath, offset, detail) { }
}

/// <summary>A file whose leading bytes match no format that <see cref="ImageFile"/> can read.</summary>
public class UnknownImageFormatException : ImageFormatException
{
    public UnknownImageFormatException(string? filePath, string detail)
        : base("unknown", filePath, 0, detail) { }
}
