using System.Globalization;

namespace MedFM.Imaging.Dicom;

/// <summary>Header-only scan of files into series: grouped by SeriesInstanceUID, split by size/orientation/samples.</summary>
internal static class DicomSeriesScanner
{
    /// <summary>
    /// Reads every file's header (on several threads when <paramref name="parallel"/>) and groups the images; files and
    /// warnings keep the order of <paramref name="files"/> whatever the threads do.
    /// </summary>
    public static (List<DicomSeries> Series, List<DicomWarning> Warnings) Scan(IEnumerable<string> files, bool parallel = false)
    {
        var paths = files as IReadOnlyList<string> ?? files.ToList();
        var entries = new Entry[paths.Count];
        if (parallel && paths.Count > 8) ParallelFor(paths.Count, i => entries[i] = Examine(paths[i]));
        else
            for (int i = 0; i < paths.Count; i++) entries[i] = Examine(paths[i]);
        var warnings = new List<DicomWarning>();
        var groups = new Dictionary<string, List<(DicomFile File, List<DicomSlice> Slices, string Key)>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var e in entries)
        {
            if (e.Warnings is { } w) warnings.AddRange(w);
            if (e.File is null) continue;
            var uid = e.File.Dataset.GetString(DicomTags.SeriesInstanceUID) ?? "(no SeriesInstanceUID)";
            if (!groups.TryGetValue(uid, out var list)) { groups[uid] = list = []; order.Add(uid); }
            list.Add((e.File, e.Slices!, e.Key!));
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

    /// <summary>One file's header, its slices and grouping key; or no file and the warning that says why.</summary>
    private sealed record Entry(DicomFile? File, List<DicomSlice>? Slices, string? Key, List<DicomWarning>? Warnings);

    private static Entry Examine(string path)
    {
        DicomFile file;
        try { file = DicomFileReader.ReadHeader(path); }
        catch (DicomFormatException e) { return Skip(DicomWarningKind.Unreadable, e.Detail, path); }
        catch (IOException e) { return Skip(DicomWarningKind.Unreadable, e.Message, path); }
        var ds = file.Dataset;
        if (!ds.Contains(DicomTags.Rows) || !ds.Contains(DicomTags.Columns))
            return Skip(DicomWarningKind.NotAnImage, $"no image pixels (SOP class {file.SopClassUid})", path);
        List<DicomWarning>? warnings = null;
        if (!ds.CharacterSet.IsSupported)
            warnings = [new DicomWarning(DicomWarningKind.UnsupportedCharacterSet, $"character set '{ds.CharacterSet.Term}' read as Latin-1", path)];
        try
        {
            int frames = Math.Max(1, ds.GetInt(DicomTags.NumberOfFrames) ?? 1);
            var planes = DicomFramePlane.Of(ds, frames, path);
            string sop = file.SopInstanceUid ?? path, cls = file.SopClassUid ?? "";
            int number = ds.GetInt(DicomTags.InstanceNumber) ?? 0;
            var slices = planes.Select((p, f) => new DicomSlice(path, cls, sop, frames > 1 ? f + 1 : 0, p, number)).ToList();
            var o = planes[0];
            var key = string.Create(CultureInfo.InvariantCulture,
                $"{ds.GetInt(DicomTags.Rows)}x{ds.GetInt(DicomTags.Columns)}x{ds.GetInt(DicomTags.SamplesPerPixel) ?? 1} " +
                $"{Round(o.RowDirection)} {Round(o.ColumnDirection)}");
            return new Entry(file, slices, key, warnings);
        }
        catch (DicomFormatException e)
        {
            (warnings ??= []).Add(new DicomWarning(DicomWarningKind.Unreadable, e.Detail, path));
            return new Entry(null, null, null, warnings);
        }
    }

    /// <summary>Parallel.For on all cores that throws the first failure itself rather than an <see cref="AggregateException"/>.</summary>
    internal static void ParallelFor(int count, Action<int> body)
    {
        try { System.Threading.Tasks.Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, body); }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private static Entry Skip(DicomWarningKind kind, string message, string path) => new(null, null, null, [new DicomWarning(kind, message, path)]);

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
