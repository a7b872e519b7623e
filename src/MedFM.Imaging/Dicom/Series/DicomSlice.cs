using MedFM.Imaging.Geometry;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// One source image of a series: a file, and for multi-frame files the frame (1-based; 0 for single-frame files),
/// with its SOP identity and plane. The SEG writer references these.
/// </summary>
public sealed record DicomSlice(string FilePath, string SopClassUid, string SopInstanceUid, int FrameNumber, DicomFramePlane Plane, int InstanceNumber)
{
    /// <summary>Index of the frame inside its file (0-based).</summary>
    public int FrameIndex => FrameNumber == 0 ? 0 : FrameNumber - 1;
}

/// <summary>
/// The images of one series that share size and orientation (one "part" when a series mixes sizes or orientations),
/// found by <see cref="DicomSeriesReader.Scan(string, DicomSeriesOptions?)"/> from headers alone.
/// </summary>
public sealed class DicomSeries
{
    internal DicomSeries(string seriesUid, int part, DicomDataset reference, string referencePath, TransferSyntax syntax, List<DicomSlice> slices)
    {
        SeriesInstanceUid = seriesUid; Part = part; ReferenceHeader = reference; ReferencePath = referencePath; TransferSyntax = syntax; Slices = slices;
    }

    public string SeriesInstanceUid { get; }

    /// <summary>0 for a homogeneous series; 0, 1, ... for the parts of a series that mixes sizes or orientations.</summary>
    public int Part { get; }

    /// <summary>The header (without pixel data) of the first file: patient, study, series attributes.</summary>
    public DicomDataset ReferenceHeader { get; }
    public string ReferencePath { get; }
    public TransferSyntax TransferSyntax { get; }

    /// <summary>The slices in scan order (sorted by <see cref="DicomSeriesReader.Load(DicomSeries, DicomSeriesOptions?)"/>).</summary>
    public IReadOnlyList<DicomSlice> Slices { get; }

    public string? StudyInstanceUid => ReferenceHeader.GetString(DicomTags.StudyInstanceUID);
    public string? FrameOfReferenceUid => ReferenceHeader.GetString(DicomTags.FrameOfReferenceUID);
    public string? Modality => ReferenceHeader.GetString(DicomTags.Modality);
    public string? Description => ReferenceHeader.GetString(DicomTags.SeriesDescription);
    public int Rows => ReferenceHeader.GetInt(DicomTags.Rows) ?? 0;
    public int Columns => ReferenceHeader.GetInt(DicomTags.Columns) ?? 0;

    /// <summary>Distinct files.</summary>
    public int FileCount => Slices.Select(s => s.FilePath).Distinct().Count();

    public override string ToString() => $"series {SeriesInstanceUid}{(Part > 0 ? $" part {Part}" : "")}: {Slices.Count} slice(s) {Columns}×{Rows} {Modality}";
}

/// <summary>Options of series scanning and loading.</summary>
public sealed record DicomSeriesOptions
{
    /// <summary>How pixels become voxels (modality LUT to float32 HU by default).</summary>
    public DicomReadOptions Read { get; init; } = DicomReadOptions.Default;

    /// <summary>Scan sub-folders too. Default true.</summary>
    public bool Recursive { get; init; } = true;

    /// <summary>Throw <see cref="DicomSeriesException"/> instead of warning on gaps, irregular spacing, tilt, duplicates. Default false.</summary>
    public bool Strict { get; init; }

    /// <summary>Tolerated deviation of a slice step from the median spacing, relative (default 1 %) ...</summary>
    public double RelativeSpacingTolerance { get; init; } = 0.01;

    /// <summary>... and absolute, in mm (default 0.01 mm); the larger applies.</summary>
    public double AbsoluteSpacingTolerance { get; init; } = 0.01;

    /// <summary>Angle (degrees) between the slice step and the normal above which a gantry tilt is reported. Default 0.1°.</summary>
    public double TiltToleranceDegrees { get; init; } = 0.1;

    /// <summary>Decode slices on several threads. Default true.</summary>
    public bool Parallel { get; init; } = true;

    public static DicomSeriesOptions Default { get; } = new();
}
