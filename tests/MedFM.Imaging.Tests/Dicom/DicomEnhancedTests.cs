using System.Globalization;
using System.Text;
using MedFM.Imaging.Dicom;
using MedFM.Imaging.Geometry;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// Enhanced (multi-frame) CT: per-frame PlanePositionSequence and PixelValueTransformationSequence, shared
/// PixelMeasuresSequence and PlaneOrientationSequence; frames stored in reverse spatial order. Also the DicomInfo
/// summary and the ImageFile hook.
/// </summary>
public sealed class DicomEnhancedTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private const int Frames = 5, Rows = 12, Cols = 10;

    private static string Item(int indent, string body) =>
        new string(' ', indent) + "(fffe,e000) na (Item with undefined length #=1)\n" + body + new string(' ', indent) + "(fffe,e00d) na (ItemDelimitationItem)\n";

    private static string Seq(int indent, string tag, string items) =>
        new string(' ', indent) + $"({tag}) SQ (Sequence with undefined length #=1)\n" + items + new string(' ', indent) + "(fffe,e0dd) na (SequenceDelimitationItem)\n";

    /// <summary>Frame f lies at z = 20 − 3f (reverse order) and has intercept −1000 − 10f.</summary>
    private string WriteEnhanced()
    {
        var shared = Item(2,
            Seq(4, "0028,9110", Item(6, "        (0018,0050) DS [3]\n        (0028,0030) DS [0.7\\0.6]\n")) +
            Seq(4, "0020,9116", Item(6, "        (0020,0037) DS [1\\0\\0\\0\\1\\0]\n")));
        var perFrame = new StringBuilder();
        for (int f = 0; f < Frames; f++)
            perFrame.Append(Item(2,
                Seq(4, "0020,9113", Item(6, string.Create(CultureInfo.InvariantCulture, $"        (0020,0032) DS [-5\\7\\{20 - 3 * f}]\n"))) +
                Seq(4, "0028,9145", Item(6, string.Create(CultureInfo.InvariantCulture, $"        (0028,1052) DS [{-1000 - 10 * f}]\n        (0028,1053) DS [1]\n        (0028,1054) LO [HU]\n")))));
        var d = DumpBuilder.Image("1.2.826.0.1.3680043.2.1125.6.1", "1.2.826.0.1.3680043.2.1125.6", "=EnhancedCTImageStorage")
            .Pixels(Rows, Cols, 16, 16, signed: true, frames: Frames)
            .Block("5200,9229", Seq(0, "5200,9229", shared))
            .Block("5200,9230", Seq(0, "5200,9230", perFrame.ToString()).Replace("#=1)\n  (fffe", "#=5)\n  (fffe"));
        var raw = new byte[Frames * Rows * Cols * 2];
        for (int f = 0; f < Frames; f++)
            for (int p = 0; p < Rows * Cols; p++)
                BitConverter.TryWriteBytes(raw.AsSpan((f * Rows * Cols + p) * 2), (short)(f * 1000 + p));
        return d.Write(_dir.Path, "enhanced.dcm", raw, words: true);
    }

    [Fact]
    public void PerFrameGroups_GiveOrderGeometryAndRescale()
    {
        var path = WriteEnhanced();
        var s = DicomSeriesReader.Load(path);
        Assert.Empty(s.Warnings);
        Assert.Equal(new VolumeShape(Cols, Rows, Frames), s.Volume.Shape);
        var g = s.Volume.Geometry;
        Assert.Equal(new Vector3d(0.6, 0.7, 3), g.Spacing);
        Assert.Equal(new Vector3d(-5, 7, 8), g.Origin);                       // the lowest frame (f = 4) comes first
        Assert.Equal(Enumerable.Range(1, Frames).Reverse(), s.Slices.Select(x => x.FrameNumber));
        var v = s.Volume.GetData<float>();
        for (int k = 0; k < Frames; k++)
        {
            int f = Frames - 1 - k;
            foreach (int p in new[] { 0, 17, Rows * Cols - 1 })
                Assert.Equal(f * 1000 + p - 1000 - 10 * f, v[k * Rows * Cols + p]);
        }
    }

    [Fact]
    public void Info_DescribesSeriesFromHeaders_AndImageFileReadsDicom()
    {
        var m = new SeriesMaker { Slices = 5 };
        m.WriteAll(Directory.CreateDirectory(_dir.File("ct")).FullName, k => k != 2);
        WriteEnhanced();
        File.WriteAllText(_dir.File("readme.txt"), "x");
        var report = DicomInfo.Describe(_dir.Path);
        Assert.Equal(2, report.Series.Count);
        var ct = report.Series.Single(x => x.SeriesInstanceUid == m.SeriesUid);
        Assert.Equal(4, ct.Slices);
        Assert.Equal((m.Rows, m.Cols), (ct.Rows, ct.Columns));
        Assert.Equal("CT", ct.Modality);
        Assert.Equal(new[] { "Explicit VR Little Endian" }, ct.TransferSyntaxes);
        Assert.Equal(DicomWarningKind.MissingSlices, Assert.Single(ct.Warnings).Kind);
        Assert.Equal(2.5, ct.Geometry.Spacing.Z, 9);
        Assert.Contains(report.Warnings, w => w.Kind == DicomWarningKind.Unreadable && w.File!.EndsWith("readme.txt"));

        var single = ImageFile.Read(Path.Combine(_dir.File("ct"), "img001.dcm"));
        Assert.Equal(ImageFormat.Dicom, ImageFile.Detect(Path.Combine(_dir.File("ct"), "img001.dcm")));
        Assert.Equal(m.Hu(3, 4, 4), single.GetData<float>()[4 * m.Cols + 3]);
    }
}
