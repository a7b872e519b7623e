using System.Globalization;

namespace MedFM.Imaging.Dicom;

/// <summary>Header-only scan of files into series: grouped by SeriesInstanceUID, split by size/orientation/samples.</summary>
internal static class DicomSeriesScanner
{
    public static (List<DicomSeries> Series, List<DicomWarning> Warnings) Scan(IEnumerable<string> files)
    {
        var warnings = new List<DicomWarning>();
        var groups = new Dictionary<string, List<(DicomFile File, List<DicomSlice> Slices, string Key)>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var path in files)
        {
            DicomFile file;
            try { file = DicomFileReader.ReadHeader(path); }
            catch (DicomFormatException e) { warnings.Add(new DicomWarning(DicomWarningKind.Unreadable, e.Detail, path)); continue; }
            catch (IOException e) { warnings.Add(new DicomWarning(DicomWarningKind.Unreadable, e.Message, path)); continue; }
            var ds = file.Dataset;
            if (!ds.Contains(DicomTags.Rows) || !ds.Contains(DicomTags.Columns))
            {
                warnings.Add(new DicomWarning(DicomWarningKind.NotAnImage, $"no image pixels (SOP class {file.SopClassUid})", path));
                continue;
            }
            if (!ds.CharacterSet.IsSupported)
                warnings.Add(new DicomWarning(DicomWarningKind.UnsupportedCharacterSet, $"character set '{ds.CharacterSet.Term}' read as Latin-1", path));
            List<DicomSlice> slices;
            string key;
            try
            {
                int frames = Math.Max(1, ds.GetInt(DicomTags.NumberOfFrames) ?? 1);
                var planes = DicomFramePlane.Of(ds, frames, path);
                string sop = file.SopInstanceUid ?? path, cls = file.SopClassUid ?? "";
                int number = ds.GetInt(DicomTags.InstanceNumber) ?? 0;
                slices = planes.Select((p, f) => new DicomSlice(path, cls, sop, frames > 1 ? f + 1 : 0, p, number)).ToList();
                var o = planes[0];
                key = string.Create(CultureInfo.InvariantCulture,
                    $"{ds.GetInt(DicomTags.Rows)}x{ds.GetInt(DicomTags.Columns)}x{ds.GetInt(DicomTags.SamplesPerPixel) ?? 1} " +
                    $"{Round(o.RowDirection)} {Round(o.ColumnDirection)}");
            }
            catch (DicomFormatException e) { warnings.Add(new DicomWarning(DicomWarningKind.Unreadable, e.Detail, path)); continue; }
            var uid = ds.GetString(DicomTags.SeriesInstanceUID) ?? "(no SeriesInstanceUID)";
            if (!groups.TryGetValue(uid, out var list)) { groups[uid] = list = []; order.Add(uid); }
            list.Add((file, slices, key));
        }
        var result = new List<DicomSeries>();
        foreach (var uid in order)
        {
            var parts = groups[uid].GroupBy(x => x.Key).OrderByDescending(g => g.Sum(x => x.Slices.Count)).ToList();
            if (parts.Count > 1)
                warnings.Add(new DicomWarning(DicomWarningKind.MixedSeries,
                    $"series {uid} mixes {parts.Count} image sizes/orientations ({string.Join("; ", parts.Select(p => $"{p.Key}: {p.Sum(x => x.Slices.Count)} slice(s)"))}): split into parts, the largest first"));
            for (int i = 0; i < parts.Count; i++)
            {
                var first = parts[i].First();
                result.Add(new DicomSeries(uid, i, first.File.Dataset, first.File.FilePath!, first.File.TransferSyntax,
                    parts[i].SelectMany(x => x.Slices).ToList()));
            }
        }
        return (result, warnings);
    }

    private static string Round(Geometry.Vector3d? v) =>
        v is { } x ? string.Create(CultureInfo.InvariantCulture, $"{x.X:F3},{x.Y:F3},{x.Z:F3}") : "-";

    /// <summary>The files of a folder (recursively when asked), or the file itself, in ordinal name order.</summary>
    public static IEnumerable<string> Files(string pathOrFolder, bool recursive)
    {
        if (File.Exists(pathOrFolder)) return [pathOrFolder];
        if (!Directory.Exists(pathOrFolder)) throw new DicomSeriesException($"'{pathOrFolder}' is neither a file nor a folder");
        return Directory.EnumerateFiles(pathOrFolder, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .OrderBy(f => f, StringComparer.Ordinal);
    }
}
