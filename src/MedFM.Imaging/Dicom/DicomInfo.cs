using MedFM.Imaging.Geometry;

namespace MedFM.Imaging.Dicom;

/// <summary>One series as <see cref="DicomInfo"/> describes it: identity, size, syntaxes, geometry (from headers) and warnings.</summary>
public sealed record DicomSeriesSummary(
    string SeriesInstanceUid, int Part, string? StudyInstanceUid, string? Modality, string? Description, string? SopClassUid,
    int Files, int Slices, int Rows, int Columns, IReadOnlyList<string> TransferSyntaxes, ImageGeometry Geometry,
    IReadOnlyList<WindowPreset> Windows, IReadOnlyList<DicomWarning> Warnings);

/// <summary>What a folder or file holds: its series and the problems found, as data (the CLI renders it).</summary>
public sealed record DicomInfoReport(IReadOnlyList<DicomSeriesSummary> Series, IReadOnlyList<DicomWarning> Warnings);

/// <summary>
/// Header-only description of DICOM files: series found (size, modality, transfer syntaxes), the geometry each would
/// have as a volume (slice order, spacing from positions, LPS) and the warnings (gaps, tilt, mixed series, unreadable
/// files). Reads no pixel data.
/// </summary>
public static class DicomInfo
{
    public static DicomInfoReport Describe(string pathOrFolder, DicomSeriesOptions? options = null)
    {
        var o = (options ?? DicomSeriesOptions.Default) with { Strict = false };
        var (series, warnings) = DicomSeriesReader.Scan(pathOrFolder, o);
        var summaries = new List<DicomSeriesSummary>();
        foreach (var s in series)
        {
            var stack = SliceStack.Build(s.Slices, o);
            var syntaxes = s.Slices.Select(x => x.FilePath).Distinct().Count() == 1
                ? [s.TransferSyntax.Name]
                : s.Slices.Select(x => x.FilePath).Distinct().Select(f => TryHeader(f)?.TransferSyntax.Name ?? "?").Distinct().ToList();
            summaries.Add(new DicomSeriesSummary(s.SeriesInstanceUid, s.Part, s.StudyInstanceUid, s.Modality, s.Description,
                s.ReferenceHeader.GetString(DicomTags.SOPClassUID), s.FileCount, stack.Ordered.Count, s.Rows, s.Columns, syntaxes,
                stack.Geometry, DicomImage.WindowsOf(s.ReferenceHeader), stack.Warnings));
        }
        return new DicomInfoReport(summaries, warnings);
    }

    private static DicomFile? TryHeader(string path)
    {
        try { return DicomFileReader.ReadHeader(path); }
        catch (DicomFormatException) { return null; }
    }
}
