namespace MedFM.Imaging.Dicom;

/// <summary>
/// A parsed DICOM file: its file meta group (0002), its dataset and transfer syntax. Made by <see cref="DicomFileReader"/>:
/// <see cref="DicomFileReader.Read(string)"/> reads everything, <see cref="DicomFileReader.ReadHeader(string)"/> stops
/// before the pixel data (the header-only read every scan uses).
/// </summary>
public sealed class DicomFile
{
    internal DicomFile(string? path, DicomDataset meta, DicomDataset dataset, TransferSyntax syntax, bool hasPreamble, bool headerOnly, byte[]? source = null)
    {
        Source = source;
        FilePath = path; Meta = meta; Dataset = dataset; TransferSyntax = syntax; HasPreamble = hasPreamble; IsHeaderOnly = headerOnly;
    }

    /// <summary>The file read, or the name given for in-memory bytes (used in error messages).</summary>
    public string? FilePath { get; }

    /// <summary>The file meta information (empty for a raw dataset without meta).</summary>
    public DicomDataset Meta { get; }

    public DicomDataset Dataset { get; }

    public TransferSyntax TransferSyntax { get; }

    /// <summary>True for a Part-10 file with the 128-byte preamble and "DICM".</summary>
    public bool HasPreamble { get; }

    /// <summary>True when the read stopped before the pixel data (no pixel data element is present).</summary>
    public bool IsHeaderOnly { get; }

    /// <summary>The bytes the file was parsed from (kept so external codecs can be handed the file).</summary>
    internal byte[]? Source { get; }

    /// <summary>
    /// For a header-only read of a dataset that is not deflated: the file offset of the top-level element the read
    /// stopped at (the pixel data, or another element at or after (7FE0,0000)); -1 when the dataset ended first.
    /// </summary>
    internal long HeaderEnd { get; init; } = -1;

    public string? SopInstanceUid => Dataset.GetString(DicomTags.SOPInstanceUID) ?? Meta.GetString(DicomTags.MediaStorageSOPInstanceUID);
    public string? SopClassUid => Dataset.GetString(DicomTags.SOPClassUID) ?? Meta.GetString(DicomTags.MediaStorageSOPClassUID);

    public override string ToString() => $"DICOM {FilePath ?? "<memory>"}: {TransferSyntax.Name}, {Dataset.Count} elements";
}
