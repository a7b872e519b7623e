using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MedFM.Imaging.Dicom;
using MedFM.Imaging.Geometry;

namespace MedFM.Cli.Commands;

/// <summary>`medfm dicom info &lt;path&gt;`: the series a folder or file holds, their geometry, transfer syntaxes and warnings (headers only).</summary>
internal static class DicomCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "DICOM folder (scanned recursively) or file" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var info = new Command("info", "Describe the DICOM series found: size, transfer syntax, geometry (LPS), windows and warnings") { path, json };
        info.SetAction(CliErrors.Guard(parse =>
        {
            var where = parse.GetValue(path)!;
            var report = DicomInfo.Describe(where);
            if (report.Series.Count == 0)
                throw new DicomSeriesException($"no DICOM image series in '{where}'"
                    + (report.Warnings.Count > 0 ? $" ({report.Warnings.Count} file(s) skipped, first: {report.Warnings[0]})" : ""));
            Console.Write(parse.GetValue(json) ? RenderJson(report) : RenderText(report));
            return 0;
        }));
        return new Command("dicom", "DICOM tools") { info };
    }

    private static string RenderText(DicomInfoReport report)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"{report.Series.Count} series");
        foreach (var s in report.Series)
        {
            w.WriteLine();
            w.WriteLine($"series     {s.SeriesInstanceUid}{(s.Part > 0 ? $" (part {s.Part})" : "")}");
            w.WriteLine($"modality   {s.Modality ?? "-"}{(s.Description is { Length: > 0 } d ? $"  \"{d}\"" : "")}");
            w.WriteLine($"study      {s.StudyInstanceUid ?? "-"}");
            w.WriteLine($"sop class  {s.SopClassUid ?? "-"}");
            w.WriteLine($"size       {s.Columns}×{s.Rows} (columns×rows), {s.Slices} slice(s) in {s.Files} file(s)");
            w.WriteLine($"syntax     {string.Join(", ", s.TransferSyntaxes)}");
            var g = s.Geometry;
            if (g.IsKnown)
            {
                w.WriteLine($"geometry   {g.Frame}, axes {g.OrientationCode}, origin {g.Origin} mm, spacing {g.Spacing} mm");
                w.WriteLine($"axes along i {g.Direction.Column(0)}, j {g.Direction.Column(1)}, k {g.Direction.Column(2)}");
            }
            else w.WriteLine("geometry   unknown (no position/orientation)");
            foreach (var win in s.Windows)
                w.WriteLine($"window     {win.Name}: level {win.Level:G6}, width {win.Width:G6}");
            foreach (var warning in s.Warnings) w.WriteLine($"warning    {warning}");
        }
        if (report.Warnings.Count > 0) w.WriteLine();
        foreach (var warning in report.Warnings) w.WriteLine($"warning    {warning}");
        return w.ToString();
    }

    private static string RenderJson(DicomInfoReport report)
    {
        static double[] V(Vector3d v) => [v.X, v.Y, v.Z];
        static object Warn(DicomWarning x) => new { kind = x.Kind.ToString(), message = x.Message, file = x.File };
        var doc = new
        {
            series = report.Series.Select(s => new
            {
                seriesInstanceUid = s.SeriesInstanceUid,
                part = s.Part,
                studyInstanceUid = s.StudyInstanceUid,
                modality = s.Modality,
                description = s.Description,
                sopClassUid = s.SopClassUid,
                files = s.Files,
                slices = s.Slices,
                rows = s.Rows,
                columns = s.Columns,
                transferSyntaxes = s.TransferSyntaxes,
                geometry = s.Geometry.IsKnown
                    ? new
                    {
                        frame = s.Geometry.Frame.ToString(),
                        axes = s.Geometry.OrientationCode,
                        origin = V(s.Geometry.Origin),
                        spacing = V(s.Geometry.Spacing),
                        axisDirections = new[] { V(s.Geometry.Direction.Column(0)), V(s.Geometry.Direction.Column(1)), V(s.Geometry.Direction.Column(2)) },
                    }
                    : null,
                windows = s.Windows.Select(x => new { name = x.Name, level = x.Level, width = x.Width }),
                warnings = s.Warnings.Select(Warn),
            }),
            warnings = report.Warnings.Select(Warn),
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }
}
