using System.CommandLine;
using System.Globalization;
using MedFM.Imaging;
using MedFM.Imaging.Conversion;

namespace MedFM.Cli.Commands;

/// <summary>`medfm convert &lt;in&gt; --out &lt;out&gt;`: DICOM series/file, NIfTI, PNG or JPEG to NIfTI, a PNG or a folder of PNG slices.</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "DICOM folder or file, .nii/.nii.gz, PNG or JPEG" };
        var output = new Option<string>("--out", "-o")
        {
            Description = "Output: .nii or .nii.gz (geometry kept), .png (one 2-D image), or a new folder of PNG slices",
            Required = true,
        };
        var window = new Option<string?>("--window")
        {
            Description = "PNG output: window to 8 bits, a preset (soft-tissue, lung, bone, brain) or LEVEL,WIDTH " +
                "(default: 8/16-bit data as stored, else the DICOM window or the min-max range)",
        };
        var series = new Option<string?>("--series") { Description = "DICOM input: SeriesInstanceUID to convert (default: the largest series)" };
        var strict = new Option<bool>("--strict") { Description = "DICOM input: refuse a series mixing incompatible images instead of warning" };
        var command = new Command("convert", "Convert a DICOM series, NIfTI, PNG or JPEG image to NIfTI or PNG") { input, output, window, series, strict };
        command.SetAction(CliErrors.Guard(parse =>
        {
            var options = new ConvertOptions
            {
                Window = ParseWindow(parse.GetValue(window)),
                SeriesInstanceUid = parse.GetValue(series),
                Strict = parse.GetValue(strict),
            };
            var r = ImageConverter.Convert(parse.GetValue(input)!, parse.GetValue(output)!, options);
            foreach (var w in r.Warnings) Console.Error.WriteLine($"medfm: warning: {w}");
            Console.WriteLine($"read    {r.Source}: {r.Shape} {r.VoxelType}");
            if (r.Window is { } used)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"window  {used.Name} (level {used.Level:G6}, width {used.Width:G6})"));
            Console.WriteLine(r.Target == ConvertTarget.PngFolder
                ? $"wrote   {r.Files.Count} PNG file(s) to {r.Output}"
                : $"wrote   {r.Output}");
            return 0;
        }));
        return command;
    }

    /// <summary>A preset name or "LEVEL,WIDTH".</summary>
    internal static WindowPreset? ParseWindow(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double level)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double width))
        {
            if (!(width > 0) || !double.IsFinite(level))
                throw new ArgumentException($"--window {text}: the width must be positive and the level finite");
            return new WindowPreset("custom", level, width);
        }
        return WindowPreset.Named(text);
    }
}
