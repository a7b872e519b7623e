using MedFM.Cli.Tests.Support;
using MedFM.Imaging;
using MedFM.Imaging.Geometry;
using MedFM.Imaging.Nifti;
using MedFM.Imaging.Png;
using MedFM.Imaging.Tests.Dicom;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Cli.Tests;

/// <summary>
/// `medfm convert` run as a process on files made in the test: a dump2dcm CT series (Colin27 voxels, known HU and
/// geometry), Debian's sample NIfTI and PNG files. Outputs are read back and compared with values computed here.
/// </summary>
public sealed class ConvertCommandTests : IDisposable
{
    private readonly string _dir = CliRunner.TempDir();
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>An oblique series (rotated 30° about the z axis) whose files are named against their order.</summary>
    private (SeriesMaker Maker, string Folder) ObliqueSeries()
    {
        double c = Math.Cos(Math.PI / 6), s = Math.Sin(Math.PI / 6);
        var m = new SeriesMaker { Slices = 5, Row = [c, s, 0], Col = [-s, c, 0] };
        var folder = PathOf("series");
        Directory.CreateDirectory(folder);
        m.WriteAll(folder);
        return (m, folder);
    }

    [Fact]
    public void DicomSeries_ToNiftiGz_KeepsHuAndEveryVoxelsWorldPosition()
    {
        var (m, folder) = ObliqueSeries();
        var output = PathOf("ct.nii.gz");
        var r = CliRunner.Run("convert", folder, "--out", output);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.Contains("DICOM series " + m.SeriesUid, r.Stdout);

        var v = NiftiReader.ReadVolume(output);
        Assert.Equal(new VolumeShape(m.Cols, m.Rows, m.Slices), v.Shape);
        Assert.Equal(AnatomicalFrame.Ras, v.Geometry.Frame);
        for (int k = 0; k < m.Slices; k++)
            for (int j = 0; j < m.Rows; j++)
                for (int i = 0; i < m.Cols; i++)
                    Assert.Equal(m.Hu(i, j, k), v.GetValue(i, j, k));
        // Voxel (i, j, k) lies at IPP_k + i·Δcol·row + j·Δrow·col in LPS, i.e. (−x, −y, z) in RAS.
        var row = new Vector3d(m.Row[0], m.Row[1], m.Row[2]);
        var col = new Vector3d(m.Col[0], m.Col[1], m.Col[2]);
        foreach (var (i, j, k) in new[] { (0, 0, 0), (m.Cols - 1, 0, 2), (3, m.Rows - 1, m.Slices - 1) })
        {
            var lps = m.Position(k) + row * (i * m.ColSpacing) + col * (j * m.RowSpacing);
            var ras = new Vector3d(-lps.X, -lps.Y, lps.Z);
            Assert.True(v.Geometry.IndexToWorld(i, j, k).MaxAbsDifference(ras) < 1e-4, $"voxel ({i},{j},{k}): {v.Geometry.IndexToWorld(i, j, k)} vs {ras}");
        }
    }

    [Fact]
    public void DicomSeries_ToPngFolder_WindowsEachSliceAsLevelAndWidthSay()
    {
        var (m, folder) = ObliqueSeries();
        foreach (var (window, level, width) in new[] { ("lung", -600.0, 1500.0), ("100,300", 100.0, 300.0) })
        {
            var output = PathOf("png-" + window.Replace(',', '_'));
            var r = CliRunner.Run("convert", folder, "--out", output, "--window", window);
            Assert.Equal(0, r.ExitCode);
            var files = Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(Enumerable.Range(0, m.Slices).Select(k => $"slice_{k:D4}.png"), files);
            for (int k = 0; k < m.Slices; k++)
            {
                var png = PngReader.Read(Path.Combine(output, files[k]!));
                Assert.Equal((m.Cols, m.Rows, 1, VoxelType.UInt8), (png.Width, png.Height, png.Depth, png.VoxelType));
                var px = png.GetData<byte>();
                for (int j = 0; j < m.Rows; j++)
                    for (int i = 0; i < m.Cols; i++)
                    {
                        double t = Math.Clamp((m.Hu(i, j, k) - (level - width / 2)) / width, 0, 1);
                        Assert.Equal((byte)Math.Round(t * 255, MidpointRounding.AwayFromZero), px[j * m.Cols + i]);
                    }
            }
        }
    }

    [Fact]
    public void DicomSeries_ToPng_UsesTheFilesWindowByDefault()
    {
        var (m, folder) = ObliqueSeries();
        var output = PathOf("default");
        var r = CliRunner.Run("convert", folder, "--out", output);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("window  SOFT (level 40, width 400)", r.Stdout);
        var px = PngReader.Read(Path.Combine(output, "slice_0002.png")).GetData<byte>();
        double t = Math.Clamp((m.Hu(7, 5, 2) + 160) / 400, 0, 1);
        Assert.Equal((byte)Math.Round(t * 255, MidpointRounding.AwayFromZero), px[5 * m.Cols + 7]);
    }

    [Fact]
    public void Nifti4D_ToPngFolder_NamesFramesAndSlices_AndMapsMinMax()
    {
        var input = RepoPaths.TestData("nibabel/example4d.nii.gz");
        var source = NiftiReader.ReadVolume(input);
        var output = PathOf("frames");
        var r = CliRunner.Run("convert", input, "--out", output);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(source.Depth * source.Frames, Directory.GetFiles(output).Length);
        var (min, max) = (source.ToFloat64().Min(), source.ToFloat64().Max());
        int t = source.Frames - 1, k = source.Depth / 2;
        var png = PngReader.Read(Path.Combine(output, $"frame_{t:D2}_slice_{k:D4}.png")).GetData<byte>();
        for (int j = 0; j < source.Height; j += 7)
            for (int i = 0; i < source.Width; i += 5)
            {
                double x = source.GetValueDouble(i, j, k, 0, t);
                Assert.Equal((byte)Math.Round((x - min) / (max - min) * 255, MidpointRounding.AwayFromZero), png[j * source.Width + i]);
            }
    }

    [Fact]
    public void Png_ToNifti_AndBackToPng_IsLossless()
    {
        var input = RepoPaths.TestData("skimage/camera.png");
        var nii = PathOf("camera.nii");
        Assert.Equal(0, CliRunner.Run("convert", input, "--out", nii).ExitCode);
        var png = PathOf("camera.png");
        Assert.Equal(0, CliRunner.Run("convert", nii, "-o", png).ExitCode);
        var original = PngReader.Read(input);
        Assert.Equal(original.GetData<byte>().ToArray(), NiftiReader.ReadVolume(nii).GetData<byte>().ToArray());
        Assert.Equal(original.GetData<byte>().ToArray(), PngReader.Read(png).GetData<byte>().ToArray());
    }

    [Fact]
    public void FolderWithTwoSeries_WarnsAboutTheOther_AndSeriesPicksIt()
    {
        var folder = PathOf("two");
        var big = new SeriesMaker { Slices = 4 };
        var small = new SeriesMaker { Slices = 2, SeriesUid = "1.2.826.0.1.3680043.2.1125.5.7", Slope = 1, Intercept = 0 };
        big.WriteAll(Directory.CreateDirectory(Path.Combine(folder, "a")).FullName);
        small.WriteAll(Directory.CreateDirectory(Path.Combine(folder, "b")).FullName);

        var r = CliRunner.Run("convert", folder, "--out", PathOf("big.nii"));
        Assert.Equal(0, r.ExitCode);
        var warning = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"medfm: warning: OtherSeries: loaded the largest series {big.SeriesUid} (4 images); 1 other(s) not loaded: {small.SeriesUid} (2)", warning);
        Assert.Equal(4, NiftiReader.ReadVolume(PathOf("big.nii")).Depth);

        var chosen = CliRunner.Run("convert", folder, "--out", PathOf("small.nii"), "--series", small.SeriesUid);
        Assert.Equal(0, chosen.ExitCode);
        Assert.Equal("", chosen.Stderr);
        var v = NiftiReader.ReadVolume(PathOf("small.nii"));
        Assert.Equal(2, v.Depth);
        Assert.Equal(small.Hu(5, 6, 1), v.GetValue(5, 6, 1));

        var missing = CliRunner.Run("convert", folder, "--out", PathOf("none.nii"), "--series", "1.2.3.4.5");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("series 1.2.3.4.5 not found", missing.Stderr);
        Assert.False(File.Exists(PathOf("none.nii")));
    }

    [Fact]
    public void JpegLsSeries_DecodesThroughGdcm_AndWithoutGdcm_NamesThePackage()
    {
        var (m, folder) = ObliqueSeries();
        var jls = PathOf("jls");
        Directory.CreateDirectory(jls);
        foreach (var f in Directory.GetFiles(folder))
            DcmtkTools.Convert("dcmcjpls", f, Path.Combine(jls, Path.GetFileName(f)), "+el");
        Assert.Contains("=JPEGLSLossless", DcmtkTools.DcmDump(Directory.GetFiles(jls)[0], "-M", "+P", "0002,0010"));

        var output = PathOf("jls.nii");
        Assert.Equal(0, CliRunner.Run("convert", jls, "--out", output).ExitCode);
        var v = NiftiReader.ReadVolume(output);
        for (int k = 0; k < m.Slices; k++)
            for (int j = 0; j < m.Rows; j++)
                for (int i = 0; i < m.Cols; i++)
                    Assert.Equal(m.Hu(i, j, k), v.GetValue(i, j, k));

        var missing = PathOf("no-gdcm");
        Directory.CreateDirectory(missing);
        var absent = PathOf("absent.nii");
        var r = CliRunner.Run(new Dictionary<string, string> { ["MEDFM_GDCM_DIR"] = missing }, "convert", jls, "--out", absent);
        Assert.NotEqual(0, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("install the Debian package libgdcm-cil", line);
        Assert.False(File.Exists(absent));
    }

    [Fact]
    public void BadInputs_FailWithOneLine_AndWriteNothing()
    {
        var (_, folder) = ObliqueSeries();
        var notDicom = PathOf("text");
        Directory.CreateDirectory(notDicom);
        File.WriteAllText(Path.Combine(notDicom, "readme.txt"), "not an image");
        var truncated = PathOf("truncated");
        Directory.CreateDirectory(truncated);
        foreach (var f in Directory.GetFiles(folder)) File.Copy(f, Path.Combine(truncated, Path.GetFileName(f)));
        var victim = Directory.GetFiles(truncated).Order(StringComparer.Ordinal).Last();
        File.WriteAllBytes(victim, File.ReadAllBytes(victim)[..^100]);
        var busy = PathOf("busy");
        Directory.CreateDirectory(busy);
        File.WriteAllText(Path.Combine(busy, "keep.txt"), "mine");

        var cases = new (string[] Args, string Output, string Says)[]
        {
            (["convert", PathOf("missing"), "--out", PathOf("a.nii.gz")], PathOf("a.nii.gz"), "missing"),
            (["convert", notDicom, "--out", PathOf("b.nii.gz")], PathOf("b.nii.gz"), "no DICOM image series"),
            (["convert", truncated, "--out", PathOf("c")], PathOf("c"), Path.GetFileName(victim)),
            (["convert", folder, "--out", PathOf("d.png")], PathOf("d.png"), "5 slice(s)"),
            (["convert", folder, "--out", PathOf("e"), "--window", "mediastinum"], PathOf("e"), "unknown window preset"),
            (["convert", folder, "--out", PathOf("f"), "--window", "40,-5"], PathOf("f"), "width must be positive"),
        };
        foreach (var (args, output, says) in cases)
        {
            var r = CliRunner.Run(args);
            Assert.NotEqual(0, r.ExitCode);
            var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("medfm: error: ", line);
            Assert.Contains(says, line);
            Assert.False(File.Exists(output) || Directory.Exists(output), $"{string.Join(' ', args)} left {output}");
        }
        var refused = CliRunner.Run("convert", folder, "--out", busy);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("not empty", refused.Stderr);
        Assert.Equal(["keep.txt"], Directory.GetFiles(busy).Select(Path.GetFileName));
        Assert.DoesNotContain(Directory.GetDirectories(_dir), d => Path.GetFileName(d).StartsWith('.'));
    }
}
