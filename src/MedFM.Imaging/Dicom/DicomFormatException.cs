using System.Globalization;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// A DICOM file that cannot be read: names the file, the data element tag (gggg,eeee) when one is involved and the
/// byte offset (in the decoded stream for deflated files), plus what was expected and found.
/// </summary>
public class DicomFormatException : ImageFormatException
{
    public DicomFormatException(string? filePath, long? offset, DicomTag? tag, string detail, Exception? inner = null)
        : base("DICOM", filePath, offset, tag is { } t ? string.Create(CultureInfo.InvariantCulture, $"element {t}: {detail}") : detail, inner)
    {
        Tag = tag;
    }

    /// <summary>The data element being read when the problem was found, when known.</summary>
    public DicomTag? Tag { get; }
}

/// <summary>A valid DICOM file using something this library does not decode (a transfer syntax without codec, ...).</summary>
public class DicomUnsupportedException : DicomFormatException
{
    public DicomUnsupportedException(string? filePath, long? offset, DicomTag? tag, string detail)
        : base(filePath, offset, tag, detail) { }
}

/// <summary>A series that cannot become one volume (no image, inconsistent slices) when the reader is strict.</summary>
public class DicomSeriesException : ImagingException
{
    public DicomSeriesException(string message) : base(message) { }
}
