using MedFM.Imaging.Dicom;
using Xunit;
using Xunit.Abstractions;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// DICOM SEG from a label volume on a generated CT series: dciodvfy (dicom3tools) finds no error, dcmdump parses it and
/// shows the references, and reading it back gives the labels voxel for voxel.
/// </summary>
public sealed class SegWriterTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    /// <summary>Warnings of dciodvfy accepted here, each with its reason.</summary>
    private static readonly string[] AcceptedWarnings =
    [
        // none: the writer gets a clean report (kept as the place to list a warning accepted later, with its reason)
    ];

    private static LabelVolume Labels(DicomSeriesVolume s)
    {
        var v = s.Volume;
        var data = new byte[v.ElementCount];
        for (int k = 0; k < v.Depth; k++)
            for (int j = 0; j < v.Height; j++)
                for (int i = 0; i < v.Width; i++)
                {
                    byte l = 0;
                    if ((i - 10) * (i - 10) + (j - 9) * (j - 9) < 30 && k >= 1 && k <= 4) l = 1;   // a small cylinder
                    else if (i >= 18 && j < 5 && k != 2) l = 3;                                    // a box with a hole in slice 2
                    data[(k * v.Height + j) * v.Width + i] = l;
                }
        return new LabelVolume(v.Shape, data, v.Geometry);
    }

    [Fact]
    public void BinarySeg_ValidatesWithDciodvfy_AndRoundTripsVoxelExact()
    {
        var m = new SeriesMaker { Slices = 6 };
        m.WriteAll(Directory.CreateDirectory(_dir.File("ct")).FullName);
        var source = DicomSeriesReader.Load(_dir.File("ct"));
        var labels = Labels(source);
        var path = _dir.File("seg.dcm");
        var segments = new[]
        {
            new SegmentDescription(1, "Lesion") { Type = DicomCode.MorphologicallyAlteredStructure, Category = DicomCode.MorphologicallyAlteredStructure, Color = (255, 0, 0) },
            new SegmentDescription(3, "Box"),
        };
        SegWriter.Write(path, labels, source, new SegWriterOptions { Segments = segments });

        var (errors, warnings, text) = DcmtkTools.Dciodvfy(path);
        output.WriteLine(text);
        Assert.Empty(errors);
        Assert.DoesNotContain(warnings, w => !AcceptedWarnings.Any(a => w.Contains(a, StringComparison.Ordinal)));

        var dump = DcmtkTools.DcmDump(path);
        Assert.Contains("=SegmentationStorage", dump);
        foreach (var slice in source.Slices) Assert.Contains(slice.SopInstanceUid, dump);
        Assert.Contains("(0062,0008) CS [AUTOMATIC]", dump);
        Assert.Contains("(0008,0100) SH [121322]", dump);

        var back = SegReader.Read(path, source.Volume.Geometry, source.Volume.Shape, new Dictionary<int, int> { [1] = 1, [2] = 3 });
        Assert.Equal(labels.GetData<byte>().ToArray(), back.GetData<byte>().ToArray());
        var seg = DicomFileReader.Read(path).Dataset;
        Assert.Equal(4 + 5, seg.GetInt(DicomTags.NumberOfFrames)); // cylinder on slices 1-4, box on 5 of 6 slices
    }
}
