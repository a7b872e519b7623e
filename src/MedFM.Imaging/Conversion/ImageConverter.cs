using System.Globalization;
using MedFM.Imaging.Dicom;
using MedFM.Imaging.IO;
using MedFM.Imaging.Nifti;
using MedFM.Imaging.Png;

namespace MedFM.Imaging.Conversion;

/// <summary>Where <see cref="ImageConverter.Convert"/> writes, chosen from the output name.</summary>
public enum ConvertTarget
{
    /// <summary>A .nii or .nii.gz file (or a .hdr/.img pair), geometry kept (LPS → RAS by the writer).</summary>
    Nifti,

    /// <summary>One .png file: the input must be a single 2-D image.</summary>
    Png,

    /// <summary>A folder of PNG files, one per slice (and frame).</summary>
    PngFolder,
}

/// <summary>Options of <see cref="ImageConverter"/>.</summary>
public sealed record ConvertOptions
{
    /// <summary>DICOM input: the series to convert (default: the largest series found).</summary>
    public string? SeriesInstanceUid { get; init; }

    /// <summary>PNG output: the VOI window to 8 bits. Null: 8/16-bit data are written as stored, other data use the
    /// DICOM file's first window when there is one, else the volume's min–max.</summary>
    public WindowPreset? Window { get; init; }

    /// <summary>DICOM input: refuse a folder whose chosen series mixes incompatible images (instead of a warning).</summary>
    public bool Strict { get; init; }

    public static ConvertOptions Default { get; } = new();
}

/// <summary>An image loaded for conversion: the volume, what it was read as, and the reader's warnings.</summary>
public sealed record LoadedImage(Volume Volume, string Source, IReadOnlyList<string> Warnings, IReadOnlyList<WindowPreset> Windows);

/// <summary>What a conversion wrote.</summary>
public sealed record ConvertResult(
    string Source, ConvertTarget Target, string Output, VolumeShape Shape, VoxelType VoxelType,
    IReadOnlyList<string> Files, WindowPreset? Window, IReadOnlyList<string> Warnings);

/// <summary>
/// Converts between the formats of this library: a DICOM series (folder or file), NIfTI, PNG or JPEG in; NIfTI,
/// a PNG, or a folder of PNG slices out. Input kinds are recognised by content (folders are scanned for DICOM);
/// the output kind by name (.nii, .nii.gz, .hdr → NIfTI; .png → one PNG; anything else → a folder of PNG).
/// Outputs are written atomically: a failure leaves no file or folder under the output name.
/// </summary>
public static class ImageConverter
{
    /// <summary>The output kind a name asks for.</summary>
    public static ConvertTarget TargetOf(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var name = output.TrimEnd('/', '\\');
        if (name.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".hdr", StringComparison.OrdinalIgnoreCase))
            return ConvertTarget.Nifti;
        return name.EndsWith(".png", StringComparison.OrdinalIgnoreCase) && !Directory.Exists(name) ? ConvertTarget.Png : ConvertTarget.PngFolder;
    }

    /// <summary>
    /// Reads <paramref name="input"/>: a folder is scanned for a DICOM series; a DICOM file is read as a series of one file
    /// (multi-frame files give their frames as slices); PNG, JPEG and NIfTI files through <see cref="ImageFile"/>.
    /// </summary>
    public static LoadedImage Load(string input, ConvertOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = options ?? ConvertOptions.Default;
        if (Directory.Exists(input) || (File.Exists(input) && IsDicom(input)))
        {
            var series = DicomSeriesReader.Load(input, o.SeriesInstanceUid, new DicomSeriesOptions { Strict = o.Strict });
            var unit = series.Rescaled ? "modality LUT applied" : "stored values";
            return new LoadedImage(series.Volume, $"DICOM series {series.SeriesInstanceUid} ({series.Slices.Count} slices, {unit})",
                series.Warnings.Select(w => w.ToString()).ToList(), series.Windows);
        }
        if (!File.Exists(input)) throw new FileNotFoundException($"input '{input}' is neither a file nor a folder", input);
        var format = ImageFile.Detect(input);
        var volume = ImageFile.Read(input);
        return new LoadedImage(volume, format.ToString(), [], []);
    }

    /// <summary>Reads <paramref name="input"/> and writes it to <paramref name="output"/> (see the class summary).</summary>
    public static ConvertResult Convert(string input, string output, ConvertOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var o = options ?? ConvertOptions.Default;
        var target = TargetOf(output);
        if (target == ConvertTarget.PngFolder && Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
            throw new IOException($"output folder '{output}' exists and is not empty (choose a new or empty folder)");
        var loaded = Load(input, o);
        var v = loaded.Volume;
        switch (target)
        {
            case ConvertTarget.Nifti:
                NiftiWriter.Write(v, output);
                return Result(loaded, target, output, [output], null);
            case ConvertTarget.Png:
                if (v.Depth != 1 || v.Frames != 1)
                    throw new VolumeShapeException($"'{output}' is one PNG but the input has {v.Depth} slice(s) and {v.Frames} frame(s): name a folder instead");
                var (image, window) = ToPngSamples(v, loaded.Windows, o.Window);
                PngWriter.Write(image, output);
                return Result(loaded, target, output, [output], window);
            default:
                var (samples, w) = ToPngSamples(v, loaded.Windows, o.Window);
                var names = WritePngSlices(samples, output);
                return Result(loaded, target, output, names.Select(n => Path.Combine(output, n)).ToList(), w);
        }
    }

    /// <summary>
    /// Writes every slice (and frame) of an 8/16-bit volume as PNG into <paramref name="folder"/>, atomically:
    /// slice_0000.png, ... (frame_00_slice_0000.png, ... for 4-D). Returns the file names in slice order.
    /// </summary>
    public static IReadOnlyList<string> WritePngSlices(Volume volume, string folder)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(folder);
        if (volume.VoxelType is not (VoxelType.UInt8 or VoxelType.UInt16))
            throw new VoxelTypeMismatchException($"PNG stores UInt8 or UInt16 samples, the volume is {volume.VoxelType}: window it first");
        int kd = Math.Max(4, Digits(volume.Depth - 1)), td = Math.Max(2, Digits(volume.Frames - 1));
        var names = new List<string>();
        for (int t = 0; t < volume.Frames; t++)
            for (int k = 0; k < volume.Depth; k++)
                names.Add(volume.Frames == 1
                    ? string.Create(CultureInfo.InvariantCulture, $"slice_{k.ToString("D" + kd, CultureInfo.InvariantCulture)}.png")
                    : string.Create(CultureInfo.InvariantCulture, $"frame_{t.ToString("D" + td, CultureInfo.InvariantCulture)}_slice_{k.ToString("D" + kd, CultureInfo.InvariantCulture)}.png"));
        AtomicFolder.Write(folder, staging =>
        {
            int n = 0;
            for (int t = 0; t < volume.Frames; t++)
            {
                var frame = volume.Frames == 1 ? volume : volume.Frame(t);
                for (int k = 0; k < volume.Depth; k++)
                    File.WriteAllBytes(Path.Combine(staging, names[n++]), PngWriter.ToBytes(frame.Slice(k)));
            }
        });
        return names;
    }

    /// <summary>
    /// The samples a PNG gets: the explicit window to 8 bits; else 8/16-bit data unchanged; else the file's first window,
    /// or the min–max range, to 8 bits. Returns the window used (null when written as stored).
    /// </summary>
    public static (Volume Samples, WindowPreset? Window) ToPngSamples(Volume volume, IReadOnlyList<WindowPreset> fileWindows, WindowPreset? window)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (window is null && volume.VoxelType is VoxelType.UInt8 or VoxelType.UInt16) return (volume, null);
        var w = window ?? (fileWindows.Count > 0 ? fileWindows[0] : MinMaxWindow(volume));
        return (volume.WindowToUInt8(w), w);
    }

    private static WindowPreset MinMaxWindow(Volume v)
    {
        var (min, max) = v.MinMax();
        if (!double.IsFinite(min) || !double.IsFinite(max))
            throw new VoxelTypeMismatchException($"the volume holds non-finite values ({min}..{max}): give a window for PNG output");
        double width = max > min ? max - min : 1;
        return new WindowPreset("min-max", min + width / 2, width);
    }

    private static bool IsDicom(string path)
    {
        var format = ImageFile.Detect(path);
        return format == ImageFormat.Dicom || (format == ImageFormat.Unknown && DicomFileReader.LooksLikeDicom(ByteSource.ReadHead(path, 132)));
    }

    private static int Digits(int n) => n <= 0 ? 1 : (int)Math.Floor(Math.Log10(n)) + 1;

    private static ConvertResult Result(LoadedImage loaded, ConvertTarget target, string output, IReadOnlyList<string> files, WindowPreset? window) =>
        new(loaded.Source, target, output, loaded.Volume.Shape, loaded.Volume.VoxelType, files, window, loaded.Warnings);
}
