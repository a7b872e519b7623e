using System.Buffers;
using System.Runtime.InteropServices;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Series → volume. <see cref="Scan(string, DicomSeriesOptions?)"/> reads headers only and groups images into
/// series; <see cref="Load(DicomSeries, DicomSeriesOptions?)"/> orders the slices by position (see
/// <see cref="SliceStack"/>), decodes them (in parallel) and assembles the volume in LPS.
/// </summary>
public static class DicomSeriesReader
{
    /// <summary>The series found in a folder (recursively by default) or a single file, with the warnings of the scan.</summary>
    public static (IReadOnlyList<DicomSeries> Series, IReadOnlyList<DicomWarning> Warnings) Scan(string pathOrFolder, DicomSeriesOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pathOrFolder);
        var o = options ?? DicomSeriesOptions.Default;
        var (series, warnings) = DicomSeriesScanner.Scan(DicomSeriesScanner.Files(pathOrFolder, o.Recursive), o.Parallel);
        return (series, warnings);
    }

    /// <summary>The series found in a list of files.</summary>
    public static (IReadOnlyList<DicomSeries> Series, IReadOnlyList<DicomWarning> Warnings) Scan(IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var (series, warnings) = DicomSeriesScanner.Scan(files);
        return (series, warnings);
    }

    /// <summary>
    /// Scans and loads one series: the one with <paramref name="seriesInstanceUid"/>, or else the largest. Throws
    /// <see cref="DicomSeriesException"/> when there is none.
    /// </summary>
    public static DicomSeriesVolume Load(string pathOrFolder, string? seriesInstanceUid = null, DicomSeriesOptions? options = null)
    {
        var o = options ?? DicomSeriesOptions.Default;
        var (all, warnings) = Scan(pathOrFolder, o);
        var candidates = seriesInstanceUid is null ? all : all.Where(s => s.SeriesInstanceUid == seriesInstanceUid).ToList();
        var chosen = candidates.OrderBy(s => s.Part).ThenByDescending(s => s.Slices.Count).FirstOrDefault()
            ?? throw new DicomSeriesException(seriesInstanceUid is null
                ? $"no DICOM image series in '{pathOrFolder}'" + (warnings.Count > 0 ? $" ({warnings.Count} file(s) skipped: {warnings[0]})" : "")
                : $"series {seriesInstanceUid} not found in '{pathOrFolder}'");
        if (o.Strict && warnings.FirstOrDefault(w => w.Kind == DicomWarningKind.MixedSeries) is { } mixed)
            throw new DicomSeriesException(mixed.ToString());
        var others = all.Where(s => s != chosen).ToList();
        if (seriesInstanceUid is null && others.Count > 0)
            warnings = [.. warnings, new DicomWarning(DicomWarningKind.OtherSeries,
                $"loaded the largest series {chosen.SeriesInstanceUid}{(chosen.Part > 0 ? $" (part {chosen.Part})" : "")} ({chosen.Slices.Count} images); " +
                $"{others.Count} other(s) not loaded: " + string.Join(", ", others.Take(5).Select(s => $"{s.SeriesInstanceUid}{(s.Part > 0 ? $" (part {s.Part})" : "")} ({s.Slices.Count})")) +
                (others.Count > 5 ? ", ..." : ""))];
        return Load(chosen, o, warnings);
    }

    /// <summary>Loads a scanned series into a volume.</summary>
    public static DicomSeriesVolume Load(DicomSeries series, DicomSeriesOptions? options = null) => Load(series, options ?? DicomSeriesOptions.Default, []);

    private static DicomSeriesVolume Load(DicomSeries series, DicomSeriesOptions o, IReadOnlyList<DicomWarning> scanWarnings)
    {
        ArgumentNullException.ThrowIfNull(series);
        var stack = SliceStack.Build(series.Slices, o);
        var warnings = new List<DicomWarning>(scanWarnings);
        warnings.AddRange(stack.Warnings);
        var slices = stack.Ordered;
        var byFile = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int k = 0; k < slices.Count; k++)
        {
            if (!byFile.TryGetValue(slices[k].FilePath, out var ks)) byFile[slices[k].FilePath] = ks = [];
            ks.Add(k);
        }
        var files = byFile.ToArray();
        var decoded = new DecodedSlices?[files.Length];
        int rows = series.Rows, cols = series.Columns;
        Array? output = null;
        VoxelType outType = default;
        int components = 0;
        var gate = new object();
        void DecodeFile(int fi)
        {
            var (path, ks) = files[fi];
            byte[]? rented = null;
            try
            {
                DecodedSlices d;
                using (var handle = DicomFileReader.OpenHandle(path))
                {
                    var header = DicomFileReader.ReadHeader(handle, path);
                    var info = CheckSize(DicomPixelInfo.From(header.Dataset, path), rows, cols, path);
                    var planes = DicomFramePlane.Of(header.Dataset, info.NumberOfFrames, path);
                    // Native monochrome pixels: straight from the file into a pooled buffer, no per-slice allocation.
                    if (DirectPixelRead.Covers(header, info) && (rented = DirectPixelRead.TryRead(handle, header, info)) is not null)
                        d = new DecodedSlices(rented, info.TotalBytes, NativeUnpack.StoredType(info), 1, ks, planes);
                    else d = DecodeGeneral(path, ks, rows, cols, o.Read);
                }
                if (output is null)
                    lock (gate)
                        if (output is null)
                        {
                            (outType, components) = OutputType(series, slices, d, o.Read);
                            output = VoxelTypes.AllocateUninitialized(outType, (long)rows * cols * components * slices.Count);
                        }
                Place(d, slices, output, outType, components, rows * cols, path, o.Read.ApplyModalityLut);
            }
            finally { if (rented is not null) ArrayPool<byte>.Shared.Return(rented); }
        }
        // The first file fixes the output type; the rest may then run in parallel.
        if (files.Length > 0) DecodeFile(0);
        if (o.Parallel && files.Length > 2)
            DicomSeriesScanner.ParallelFor(files.Length - 1, i => DecodeFile(i + 1));
        else
            for (int fi = 1; fi < files.Length; fi++) DecodeFile(fi);
        bool rescaled = outType == VoxelType.Float32 && o.Read.ApplyModalityLut && slices.Any(s => s.Plane.Slope != 1 || s.Plane.Intercept != 0);
        var shape = new VolumeShape(cols, rows, slices.Count, components);
        var volume = new Volume(shape, output!, stack.Geometry);
        return new DicomSeriesVolume(volume, series, slices, warnings, rescaled, DicomImage.WindowsOf(series.ReferenceHeader));
    }

    /// <summary>Stored values of a file's frames: the first <paramref name="ByteLength"/> bytes of <paramref name="Stored"/>, as <paramref name="Type"/>.</summary>
    private sealed record DecodedSlices(Array Stored, long ByteLength, VoxelType Type, int Components, List<int> Ks, DicomFramePlane[] Planes);

    /// <summary>Any transfer syntax and photometric interpretation: the whole file read and decoded (codecs, colour).</summary>
    private static DecodedSlices DecodeGeneral(string path, List<int> ks, int rows, int cols, DicomReadOptions o)
    {
        var file = DicomFileReader.Read(path);
        var info = CheckSize(DicomPixelInfo.From(file.Dataset, path), rows, cols, path);
        var source = new DicomPixelSource(file, info);
        var (stored, type, comps, _) = DicomImageReader.DecodeStored(source, o);
        return new DecodedSlices(stored, (long)stored.Length * VoxelTypes.SizeOf(type), type, comps, ks, DicomFramePlane.Of(file.Dataset, info.NumberOfFrames, path));
    }

    private static DicomPixelInfo CheckSize(DicomPixelInfo info, int rows, int cols, string path) =>
        info.Rows == rows && info.Columns == cols ? info
            : throw new DicomSeriesException($"{path}: {info.Columns}×{info.Rows} differs from the series' {cols}×{rows} (the header changed since the scan)");

    private static (VoxelType, int) OutputType(DicomSeries series, IReadOnlyList<DicomSlice> slices, DecodedSlices first, DicomReadOptions o)
    {
        if (first.Components != 1) return (first.Type, first.Components);
        bool identity = slices.All(s => s.Plane.Slope == 1 && s.Plane.Intercept == 0);
        return o.ForceFloat32 || (o.ApplyModalityLut && !identity) ? (VoxelType.Float32, 1) : (first.Type, 1);
    }

    private static void Place(DecodedSlices d, IReadOnlyList<DicomSlice> slices, Array output, VoxelType outType, int components, int pixels, string path, bool applyLut)
    {
        if (d.Components != components || (outType != VoxelType.Float32 && d.Type != outType))
            throw new DicomSeriesException($"{path}: pixel layout ({d.Type}, {d.Components} component(s)) differs from the series' first file ({outType}, {components})");
        int size = VoxelTypes.SizeOf(d.Type), per = pixels * components;
        var src = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(d.Stored), checked((int)d.ByteLength));
        foreach (int k in d.Ks)
        {
            int frame = slices[k].FrameIndex;
            var frameBytes = src.Slice(frame * per * size, per * size);
            if (outType == VoxelType.Float32 && components == 1)
            {
                var plane = d.Planes[frame];
                var dst = ((float[])output).AsSpan(k * per, per);
                if (d.Type == VoxelType.Float32) MemoryMarshal.Cast<byte, float>(frameBytes).CopyTo(dst);
                else ModalityLut.Apply(frameBytes, d.Type, applyLut ? plane.Slope : 1, applyLut ? plane.Intercept : 0, dst);
            }
            else
            {
                var dst = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(output), output.Length * VoxelTypes.SizeOf(outType));
                frameBytes.CopyTo(dst.Slice(k * per * size, per * size));
            }
        }
    }
}
