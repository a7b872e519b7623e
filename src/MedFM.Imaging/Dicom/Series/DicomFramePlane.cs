using MedFM.Imaging.Geometry;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Where one frame lies and how its stored values map to real units: position of its first pixel (LPS, mm),
/// row and column direction cosines, spacing between rows and between columns, rescale slope and intercept.
/// Absent attributes are null (the rescale defaults to 1 and 0).
/// </summary>
public sealed record DicomFramePlane(
    Vector3d? Position, Vector3d? RowDirection, Vector3d? ColumnDirection,
    double? RowSpacing, double? ColumnSpacing, double? SliceThickness, double Slope, double Intercept)
{
    /// <summary>The slice normal row × column, or null without an orientation.</summary>
    public Vector3d? Normal => RowDirection is { } r && ColumnDirection is { } c ? r.Cross(c) : null;

    public bool HasGeometry => Position is not null && RowDirection is not null && ColumnDirection is not null;

    /// <summary>
    /// The plane of every frame of a dataset. Enhanced multi-frame objects take PlanePositionSequence,
    /// PlaneOrientationSequence, PixelMeasuresSequence and PixelValueTransformationSequence from each frame's
    /// per-frame functional group, falling back to the shared group; classic objects repeat the top-level attributes.
    /// </summary>
    public static DicomFramePlane[] Of(DicomDataset ds, int frames, string? path)
    {
        var shared = ds.GetItem(DicomTags.SharedFunctionalGroupsSequence);
        var perFrame = ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        var top = FromModules(ds, ds, ds, ds, path);
        if (shared is null && perFrame.Count == 0)
        {
            var all = new DicomFramePlane[frames];
            Array.Fill(all, top);
            return all;
        }
        if (perFrame.Count != 0 && perFrame.Count != frames)
            throw new DicomFormatException(path, null, DicomTags.PerFrameFunctionalGroupsSequence,
                $"{perFrame.Count} per-frame functional group items for {frames} frames");
        var planes = new DicomFramePlane[frames];
        for (int f = 0; f < frames; f++)
        {
            var item = perFrame.Count > 0 ? perFrame[f] : null;
            DicomDataset? Group(DicomTag t) => item?.GetItem(t) ?? shared?.GetItem(t);
            var plane = FromModules(Group(DicomTags.PlanePositionSequence), Group(DicomTags.PlaneOrientationSequence),
                Group(DicomTags.PixelMeasuresSequence), Group(DicomTags.PixelValueTransformationSequence), path);
            // Attributes an enhanced object lacks in its groups may still be at the top level (classic-like headers).
            planes[f] = plane with
            {
                Position = plane.Position ?? top.Position,
                RowDirection = plane.RowDirection ?? top.RowDirection,
                ColumnDirection = plane.ColumnDirection ?? top.ColumnDirection,
                RowSpacing = plane.RowSpacing ?? top.RowSpacing,
                ColumnSpacing = plane.ColumnSpacing ?? top.ColumnSpacing,
                SliceThickness = plane.SliceThickness ?? top.SliceThickness,
                Slope = Group(DicomTags.PixelValueTransformationSequence) is null ? top.Slope : plane.Slope,
                Intercept = Group(DicomTags.PixelValueTransformationSequence) is null ? top.Intercept : plane.Intercept,
            };
        }
        return planes;
    }

    private static DicomFramePlane FromModules(DicomDataset? position, DicomDataset? orientation, DicomDataset? measures, DicomDataset? transform, string? path)
    {
        Vector3d? pos = null, row = null, col = null;
        if (position?.GetDoubles(DicomTags.ImagePositionPatient) is { Length: >= 3 } p)
            pos = Finite(new Vector3d(p[0], p[1], p[2]), DicomTags.ImagePositionPatient, path);
        if (orientation?.GetDoubles(DicomTags.ImageOrientationPatient) is { Length: >= 6 } o)
        {
            row = Finite(new Vector3d(o[0], o[1], o[2]), DicomTags.ImageOrientationPatient, path);
            col = Finite(new Vector3d(o[3], o[4], o[5]), DicomTags.ImageOrientationPatient, path);
            if (row.Value.Norm < 1e-6 || col.Value.Norm < 1e-6 || row.Value.Cross(col.Value).Norm < 1e-6)
                throw new DicomFormatException(path, orientation[DicomTags.ImageOrientationPatient]?.Offset, DicomTags.ImageOrientationPatient,
                    $"direction cosines {string.Join('\\', o)} are zero or parallel");
            row = row.Value.Normalized(); col = col.Value.Normalized();
        }
        double? rs = null, cs = null, thick = null;
        if (measures?.GetDoubles(DicomTags.PixelSpacing) is { Length: >= 2 } s)
        {
            if (!(s[0] > 0 && s[1] > 0 && double.IsFinite(s[0]) && double.IsFinite(s[1])))
                throw new DicomFormatException(path, measures[DicomTags.PixelSpacing]?.Offset, DicomTags.PixelSpacing, $"pixel spacing {s[0]}\\{s[1]} is not positive");
            rs = s[0]; cs = s[1];
        }
        if (measures?.GetDouble(DicomTags.SliceThickness) is { } t && t > 0 && double.IsFinite(t)) thick = t;
        double slope = transform?.GetDouble(DicomTags.RescaleSlope) ?? 1, intercept = transform?.GetDouble(DicomTags.RescaleIntercept) ?? 0;
        if (!double.IsFinite(slope) || !double.IsFinite(intercept) || slope == 0)
            throw new DicomFormatException(path, transform?[DicomTags.RescaleSlope]?.Offset, DicomTags.RescaleSlope, $"rescale slope {slope} / intercept {intercept} is not usable");
        return new DicomFramePlane(pos, row, col, rs, cs, thick, slope, intercept);
    }

    private static Vector3d Finite(Vector3d v, DicomTag tag, string? path) =>
        v.IsFinite ? v : throw new DicomFormatException(path, null, tag, $"value {v} is not finite");
}
