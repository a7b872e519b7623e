using System.Globalization;
using MedFM.Imaging.Geometry;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Orders slices into a stack and describes its geometry from positions alone: sort by ImagePositionPatient projected
/// on the normal (row × column of ImageOrientationPatient), spacing = median step between positions (never
/// SliceThickness), then checks every step: duplicates, gaps (whole multiples of the spacing), irregular steps and a
/// step direction off the normal (gantry tilt, kept as a sheared k axis).
/// </summary>
internal sealed class SliceStack
{
    public required IReadOnlyList<DicomSlice> Ordered { get; init; }
    public required ImageGeometry Geometry { get; init; }
    public required List<DicomWarning> Warnings { get; init; }

    public static SliceStack Build(IReadOnlyList<DicomSlice> slices, DicomSeriesOptions o)
    {
        var warnings = new List<DicomWarning>();
        if (slices.Any(s => !s.Plane.HasGeometry))
        {
            warnings.Add(new DicomWarning(DicomWarningKind.NoGeometry, "slices without ImagePositionPatient/ImageOrientationPatient: ordered by InstanceNumber, geometry unknown"));
            var byNumber = slices.OrderBy(s => s.InstanceNumber).ThenBy(s => s.FrameNumber).ToList();
            return new SliceStack { Ordered = byNumber, Geometry = ImageGeometry.Unknown, Warnings = warnings };
        }
        var first = slices[0].Plane;
        var normal = first.Normal!.Value.Normalized();
        var sorted = slices.OrderBy(s => s.Plane.Position!.Value.Dot(normal)).ThenBy(s => s.InstanceNumber).ToList();
        var kept = new List<DicomSlice> { sorted[0] };
        for (int i = 1; i < sorted.Count; i++)
        {
            double d = (sorted[i].Plane.Position!.Value - kept[^1].Plane.Position!.Value).Dot(normal);
            if (Math.Abs(d) < 1e-4)
            {
                Report(warnings, o, DicomWarningKind.DuplicatePosition,
                    $"slice {sorted[i].SopInstanceUid} lies at the same position as {kept[^1].SopInstanceUid} ({Fmt(sorted[i].Plane.Position!.Value.Dot(normal))} mm along the normal): dropped", sorted[i].FilePath);
                continue;
            }
            kept.Add(sorted[i]);
        }
        double spacing = first.SliceThickness ?? 1;
        var k = normal;
        if (kept.Count > 1)
        {
            var steps = new double[kept.Count - 1];
            for (int i = 0; i < steps.Length; i++) steps[i] = (kept[i + 1].Plane.Position!.Value - kept[i].Plane.Position!.Value).Norm;
            spacing = Median(steps);
            CheckSteps(kept, steps, spacing, o, warnings);
            var step = kept[^1].Plane.Position!.Value - kept[0].Plane.Position!.Value;
            k = step.Normalized();
            double angle = Math.Acos(Math.Clamp(Math.Abs(k.Dot(normal)), 0, 1)) * 180 / Math.PI;
            if (angle > o.TiltToleranceDegrees)
                Report(warnings, o, DicomWarningKind.GantryTilt,
                    $"the slice step is {Fmt(angle)}° off the slice normal (gantry tilt): the k axis follows the step, the grid is sheared");
            else k = normal * Math.Sign(k.Dot(normal));
        }
        var geometry = DicomImage.GeometryOf(kept[0].Plane, spacing, k);
        return new SliceStack { Ordered = kept, Geometry = geometry, Warnings = warnings };
    }

    private static void CheckSteps(List<DicomSlice> kept, double[] steps, double spacing, DicomSeriesOptions o, List<DicomWarning> warnings)
    {
        double tol = Math.Max(o.AbsoluteSpacingTolerance, o.RelativeSpacingTolerance * spacing);
        for (int i = 0; i < steps.Length; i++)
        {
            double d = steps[i];
            if (Math.Abs(d - spacing) <= tol) continue;
            double ratio = d / spacing;
            int whole = (int)Math.Round(ratio);
            if (whole >= 2 && Math.Abs(d - whole * spacing) <= tol * whole)
                Report(warnings, o, DicomWarningKind.MissingSlices,
                    $"{whole - 1} slice(s) missing between {kept[i].SopInstanceUid} and {kept[i + 1].SopInstanceUid}: step {Fmt(d)} mm, spacing {Fmt(spacing)} mm", kept[i + 1].FilePath);
            else
                Report(warnings, o, DicomWarningKind.IrregularSpacing,
                    $"step {Fmt(d)} mm between {kept[i].SopInstanceUid} and {kept[i + 1].SopInstanceUid} differs from the spacing {Fmt(spacing)} mm", kept[i + 1].FilePath);
        }
    }

    private static void Report(List<DicomWarning> warnings, DicomSeriesOptions o, DicomWarningKind kind, string message, string? file = null)
    {
        if (o.Strict) throw new DicomSeriesException($"{kind}: {message}" + (file is null ? "" : $" ({file})"));
        warnings.Add(new DicomWarning(kind, message, file));
    }

    private static double Median(double[] v)
    {
        var s = (double[])v.Clone();
        Array.Sort(s);
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    internal static string Fmt(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
