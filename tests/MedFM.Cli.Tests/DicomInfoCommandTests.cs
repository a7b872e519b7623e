using System.Text.Json;
using MedFM.Cli.Tests.Support;
using MedFM.Imaging.Tests.Dicom;
using Xunit;

namespace MedFM.Cli.Tests;

/// <summary>`medfm dicom info` on dump2dcm series whose size, geometry, window and defects are chosen here.</summary>
public sealed class DicomInfoCommandTests : IDisposable
{
    private readonly string _dir = CliRunner.TempDir();
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Folder(string name)
    {
        var f = Path.Combine(_dir, name);
        Directory.CreateDirectory(f);
        return f;
    }

    [Fact]
    public void Text_ListsSizeSyntaxGeometryAndWindow()
    {
        var m = new SeriesMaker { Slices = 6 };
        var folder = Folder("axial");
        m.WriteAll(folder);
        var r = CliRunner.Run("dicom", "info", folder);
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Equal("1 series", lines[0]);
        Assert.Contains($"series     {m.SeriesUid}", lines);
        Assert.Contains("modality   CT", lines);
        Assert.Contains($"study      {m.StudyUid}", lines);
        Assert.Contains("size       24×20 (columns×rows), 6 slice(s) in 6 file(s)", lines);
        Assert.Contains("syntax     Explicit VR Little Endian", lines);
        // Origin = the IPP of the lowest slice, spacing = (column spacing, row spacing, step between positions).
        Assert.Contains("geometry   Lps, axes LPS, origin (-40.5, -60.25, 12) mm, spacing (0.8, 0.9, 2.5) mm", lines);
        Assert.Contains("window     SOFT: level 40, width 400", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("warning", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_ReportsTwoSeries_AndTheTiltAndMissingSlice()
    {
        var folder = Folder("mixed");
        var tilted = new SeriesMaker { Slices = 5, TiltShift = 0.5, SeriesUid = "1.2.826.0.1.3680043.2.1125.5.2" };
        tilted.WriteAll(folder);
        var gappy = new SeriesMaker { Slices = 6, SeriesUid = "1.2.826.0.1.3680043.2.1125.5.3", Row = [0, 1, 0], Col = [0, 0, -1] };
        gappy.WriteAll(Folder("mixed/sub"), k => k != 3);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not DICOM");

        var r = CliRunner.Run("dicom", "info", folder, "--json");
        Assert.Equal(0, r.ExitCode);
        var doc = JsonDocument.Parse(r.Stdout).RootElement;
        var series = doc.GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("seriesInstanceUid").GetString()!);
        Assert.Equal(2, series.Count);

        var t = series[tilted.SeriesUid];
        Assert.Equal(5, t.GetProperty("slices").GetInt32());
        Assert.Contains(t.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("kind").GetString() == "GantryTilt");

        var g = series[gappy.SeriesUid];
        Assert.Equal(5, g.GetProperty("slices").GetInt32());
        Assert.Contains(g.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("kind").GetString() == "MissingSlices");
        // Sagittal: rows along +y (A→P is +y in LPS), columns along −z; the slice normal row × col = (−1, 0, 0).
        var geometry = g.GetProperty("geometry");
        Assert.Equal("PIR", geometry.GetProperty("axes").GetString());
        var axes = geometry.GetProperty("axisDirections").EnumerateArray().Select(a => a.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
        Assert.Equal([0.0, 1, 0], axes[0]);
        Assert.Equal([0.0, 0, -1], axes[1]);
        Assert.Equal([-1.0, 0, 0], axes[2]);
        Assert.Equal([0.8, 0.9, 2.5], geometry.GetProperty("spacing").EnumerateArray().Select(x => x.GetDouble()));

        var skipped = Assert.Single(doc.GetProperty("warnings").EnumerateArray());
        Assert.EndsWith("notes.txt", skipped.GetProperty("file").GetString());
    }

    [Fact]
    public void NoSeries_OrNoPath_IsOneErrorLine()
    {
        var empty = Folder("empty");
        File.WriteAllText(Path.Combine(empty, "a.txt"), "text");
        foreach (var (path, says) in new[] { (empty, "no DICOM image series"), (Path.Combine(_dir, "nowhere"), "neither a file nor a folder") })
        {
            var r = CliRunner.Run("dicom", "info", path);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Equal("", r.Stdout);
            var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("medfm: error: ", line);
            Assert.Contains(says, line);
        }
    }
}
