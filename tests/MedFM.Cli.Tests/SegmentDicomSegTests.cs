using MedFM.Cli.Tests.Support;
using MedFM.Imaging;
using MedFM.Imaging.Dicom;
using MedFM.Imaging.Nifti;
using MedFM.Imaging.Tests.Dicom;
using Xunit;

namespace MedFM.Cli.Tests;

/// <summary>
/// `medfm segment` on a DICOM series (dump2dcm, Colin27 voxels) writing a DICOM SEG, binary by default or a label map
/// with --seg-type labelmap: the same run's mask written as NIfTI is the reference each SEG must read back to.
/// </summary>
public sealed class SegmentDicomSegTests : IDisposable
{
    private readonly string _dir = CliRunner.TempDir();
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string Series()
    {
        var m = new SeriesMaker { Cols = 64, Rows = 64, Slices = 5 };
        var folder = PathOf("ct");
        Directory.CreateDirectory(folder);
        m.WriteAll(folder);
        return folder;
    }

    private static readonly string[] Box = ["--box", "8,8,1,56,56,3"];

    [Fact]
    public void LabelMapAndBinarySeg_ReadBackToTheSameMaskAsNifti()
    {
        var series = Series();
        var r = CliRunner.Run(["segment", series, .. Box, "--out", PathOf("mask.nii.gz")]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        r = CliRunner.Run(["segment", series, .. Box, "--out", PathOf("labelmap.dcm"), "--seg-type", "labelmap"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        r = CliRunner.Run(["segment", series, .. Box, "--out", PathOf("binary.dcm")]);
        Assert.True(r.ExitCode == 0, r.Stderr);

        var source = DicomSeriesReader.Load(series);
        var mask = NiftiReader.ReadVolume(PathOf("mask.nii.gz"));
        var expected = mask.ToFloat32().Select(v => (byte)(v > 0 ? 1 : 0)).ToArray();
        Assert.Contains((byte)1, expected);

        var labelMap = DicomFileReader.Read(PathOf("labelmap.dcm")).Dataset;
        Assert.Equal(SegWriter.LabelMapSegmentationStorage, labelMap.GetString(DicomTags.SOPClassUID));
        Assert.Equal("LABELMAP", labelMap.GetString(DicomTags.SegmentationType));
        var binary = DicomFileReader.Read(PathOf("binary.dcm")).Dataset;
        Assert.Equal(SegWriter.SegmentationStorage, binary.GetString(DicomTags.SOPClassUID));
        Assert.Equal("BINARY", binary.GetString(DicomTags.SegmentationType));

        foreach (var seg in new[] { "labelmap.dcm", "binary.dcm" })
        {
            var back = SegReader.Read(PathOf(seg), source.Volume.Geometry, source.Volume.Shape);
            Assert.Equal(expected, back.GetData<byte>().ToArray());
        }
    }

    [Theory]
    [InlineData("unknown type", "rle", "seg.dcm", "--seg-type 'rle'")]
    [InlineData("not a SEG output", "labelmap", "mask.nii.gz", "--seg-type applies to a DICOM SEG")]
    public void BadSegType_FailsWithOneLine_AndWritesNothing(string why, string type, string output, string message)
    {
        var series = Series();
        var before = Directory.GetFileSystemEntries(_dir).Length;
        var r = CliRunner.Run(["segment", series, .. Box, "--out", PathOf(output), "--seg-type", type]);
        Assert.True(r.ExitCode != 0, why);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{why}: {r.Stderr}");
        Assert.Contains(message, lines[0]);
        Assert.Equal(before, Directory.GetFileSystemEntries(_dir).Length);
    }
}
