namespace MedFM.Imaging.Dicom;

/// <summary>
/// A series loaded as one volume: voxels (float32 real units when rescaled, else the stored type) with an LPS geometry,
/// the source slices in volume order (k = 0, 1, ...), the warnings found, and the series' reference header.
/// </summary>
public sealed class DicomSeriesVolume
{
    internal DicomSeriesVolume(Volume volume, DicomSeries series, IReadOnlyList<DicomSlice> slices, IReadOnlyList<DicomWarning> warnings, bool rescaled, IReadOnlyList<WindowPreset> windows)
    {
        Volume = volume; Series = series; Slices = slices; Warnings = warnings; Rescaled = rescaled; Windows = windows;
    }

    public Volume Volume { get; }
    public DicomSeries Series { get; }

    /// <summary>The source image of each k index, in volume order.</summary>
    public IReadOnlyList<DicomSlice> Slices { get; }

    /// <summary>What was found wrong or unusual (gaps, irregular spacing, tilt, mixed series, unreadable files).</summary>
    public IReadOnlyList<DicomWarning> Warnings { get; }

    /// <summary>True when the modality LUT turned stored values into float32 real units.</summary>
    public bool Rescaled { get; }

    /// <summary>The VOI windows of the first slice.</summary>
    public IReadOnlyList<WindowPreset> Windows { get; }

    public string SeriesInstanceUid => Series.SeriesInstanceUid;
    public string? StudyInstanceUid => Series.StudyInstanceUid;
    public string? FrameOfReferenceUid => Series.FrameOfReferenceUid;
}
