using MedFM.Imaging.Geometry;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// The pixels of one DICOM file as a volume (Width = Columns, Height = Rows, Depth = frames in file order; 3 RGB
/// components for colour), with the header, the per-frame planes, the rescale applied and the VOI windows of the file.
/// </summary>
public sealed class DicomImage
{
    internal DicomImage(DicomFile file, DicomPixelInfo pixels, Volume volume, DicomFramePlane[] planes, bool rescaled, string photometric, IReadOnlyList<WindowPreset> windows)
    {
        File = file; Pixels = pixels; Volume = volume; Planes = planes; Rescaled = rescaled; OutputPhotometric = photometric; Windows = windows;
    }

    public DicomFile File { get; }
    public DicomPixelInfo Pixels { get; }
    public Volume Volume { get; }

    /// <summary>The plane (position, orientation, spacing, rescale) of each frame.</summary>
    public IReadOnlyList<DicomFramePlane> Planes { get; }

    /// <summary>True when the modality LUT was applied (voxels are float32 real units).</summary>
    public bool Rescaled { get; }

    /// <summary>The photometric interpretation of the voxels: MONOCHROME2 (MONOCHROME1 after inversion), MONOCHROME1 (kept), or RGB.</summary>
    public string OutputPhotometric { get; }

    /// <summary>The VOI windows the file recommends (WindowCenter/WindowWidth, named by their explanation).</summary>
    public IReadOnlyList<WindowPreset> Windows { get; }

    /// <summary>Geometry of a plane (LPS): origin at its first pixel, i along rows, j down columns, k along the normal.</summary>
    internal static ImageGeometry GeometryOf(DicomFramePlane p, double sliceSpacing, Vector3d? sliceDirection = null)
    {
        if (!p.HasGeometry) return ImageGeometry.Unknown;
        var k = sliceDirection ?? p.Normal!.Value;
        var spacing = new Vector3d(p.ColumnSpacing ?? 1, p.RowSpacing ?? 1, sliceSpacing > 0 ? sliceSpacing : 1);
        return new ImageGeometry(p.Position!.Value, spacing, Matrix3d.FromColumns(p.RowDirection!.Value, p.ColumnDirection!.Value, k), AnatomicalFrame.Lps);
    }

    /// <summary>The windows of a dataset (and of the shared functional group's FrameVOILUTSequence for enhanced objects).</summary>
    internal static IReadOnlyList<WindowPreset> WindowsOf(DicomDataset ds)
    {
        var source = ds.Contains(DicomTags.WindowCenter) ? ds
            : ds.GetItem(DicomTags.SharedFunctionalGroupsSequence)?.GetItem(DicomTags.FrameVOILUTSequence)
              ?? ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence).FirstOrDefault()?.GetItem(DicomTags.FrameVOILUTSequence);
        if (source is null) return [];
        var centres = source.GetDoubles(DicomTags.WindowCenter);
        var widths = source.GetDoubles(DicomTags.WindowWidth);
        var names = source.GetStrings(DicomTags.WindowCenterWidthExplanation);
        var list = new List<WindowPreset>();
        for (int i = 0; i < Math.Min(centres.Length, widths.Length); i++)
            if (widths[i] > 0) list.Add(new WindowPreset(i < names.Length && names[i].Length > 0 ? names[i] : $"file-{i + 1}", centres[i], widths[i]));
        return list;
    }
}
