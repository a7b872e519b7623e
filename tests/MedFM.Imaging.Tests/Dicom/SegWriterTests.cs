using MedFM.Imaging.Dicom;
using Xunit;
using Xunit.Abstractions;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// DICOM SEG from a label volume on a generated CT series: dciodvfy (dicom3tools) finds no error, dcmdump parses it and
/// shows the references, and reading it back gives the labels voxel for voxel. Label-map SEGs (Supplement 243) are read
/// back frame by frame as plain images (pixels = label values), through the SEG reader, and by dcmdump.
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

    /// <summary>Labels 1 (a cylinder, slices 1-4), 300 (a box, slices 1-3: needs 16 bits) and 2 (slice 4, left undescribed); slices 0 and 5 empty.</summary>
    private static LabelVolume LabelMapLabels(DicomSeriesVolume s, bool wide)
    {
        var v = s.Volume;
        var data = new ushort[v.ElementCount];
        for (int k = 0; k < v.Depth; k++)
            for (int j = 0; j < v.Height; j++)
                for (int i = 0; i < v.Width; i++)
                {
                    ushort l = 0;
                    if ((i - 10) * (i - 10) + (j - 9) * (j - 9) < 30 && k >= 1 && k <= 4) l = 1;
                    else if (i >= 18 && j < 5 && k >= 1 && k <= 3) l = (ushort)(wide ? 300 : 200);
                    else if (i < 3 && k == 4) l = 2;
                    data[(k * v.Height + j) * v.Width + i] = l;
                }
        return wide ? new LabelVolume(v.Shape, data, v.Geometry) : new LabelVolume(v.Shape, data.Select(x => (byte)x).ToArray(), v.Geometry);
    }

    private DicomSeriesVolume Source()
    {
        var m = new SeriesMaker { Slices = 6 };
        m.WriteAll(Directory.CreateDirectory(_dir.File("ct")).FullName);
        return DicomSeriesReader.Load(_dir.File("ct"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LabelMapSeg_PixelsAreTheLabels_GeometryAndReferencesHold(bool wide)
    {
        var source = Source();
        var labels = LabelMapLabels(source, wide);
        int big = wide ? 300 : 200;
        var path = _dir.File("labelmap.dcm");
        var segments = new[] { new SegmentDescription(1, "Cylinder") { Color = (255, 0, 0) }, new SegmentDescription(big, "Box") };
        SegWriter.Write(path, labels, source, new SegWriterOptions { Segments = segments, Type = SegmentationType.LabelMap });

        // The header, by our parser.
        var seg = DicomFileReader.Read(path).Dataset;
        Assert.Equal(SegWriter.LabelMapSegmentationStorage, seg.GetString(DicomTags.SOPClassUID));
        Assert.Equal("LABELMAP", seg.GetString(DicomTags.SegmentationType));
        Assert.Equal("NO", seg.GetString(DicomTags.SegmentsOverlap));
        Assert.Equal(wide ? 16 : 8, seg.GetInt(DicomTags.BitsAllocated));
        Assert.Equal(wide ? 16 : 8, seg.GetInt(DicomTags.BitsStored));
        Assert.Equal(wide ? 15 : 7, seg.GetInt(DicomTags.HighBit));
        Assert.Equal(0, seg.GetInt(DicomTags.PixelPaddingValue));
        Assert.Equal("MONOCHROME2", seg.GetString(DicomTags.PhotometricInterpretation));
        Assert.Equal(new[] { 0, 1, big }, seg.GetSequence(DicomTags.SegmentSequence).Select(x => x.GetInt(DicomTags.SegmentNumber) ?? -1));
        Assert.Equal("Background", seg.GetSequence(DicomTags.SegmentSequence)[0].GetString(DicomTags.SegmentLabel));
        Assert.Single(seg.GetSequence(DicomTags.DimensionIndexSequence)); // position only: a frame holds every segment
        var perFrame = seg.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        Assert.Equal(4, perFrame.Count); // slices 1-4; 0 and 5 hold no described label
        Assert.All(perFrame, f => Assert.Null(f[DicomTags.SegmentIdentificationSequence]));
        var refSeries = Assert.Single(seg.GetSequence(DicomTags.ReferencedSeriesSequence));
        Assert.Equal(source.SeriesInstanceUid, refSeries.GetString(DicomTags.SeriesInstanceUID));
        Assert.Equal(source.Slices.Select(x => x.SopInstanceUid).Order(),
            refSeries.GetSequence(DicomTags.ReferencedInstanceSequence).Select(x => x.GetString(DicomTags.ReferencedSOPInstanceUID)).Order());

        // The frames as plain images: pixel values equal the labels (2, undescribed, is background), each frame on its
        // source slice's position and derived from that slice's instance.
        var image = DicomImageReader.Read(path, new DicomReadOptions { ApplyModalityLut = false });
        Assert.Equal(wide ? VoxelType.UInt16 : VoxelType.UInt8, image.Volume.VoxelType);
        int plane = labels.Width * labels.Height;
        for (int f = 0; f < perFrame.Count; f++)
        {
            int k = f + 1;
            Assert.True(image.Planes[f].Position!.Value.MaxAbsDifference(source.Slices[k].Plane.Position!.Value) < 1e-6, $"frame {f + 1} position");
            var derived = perFrame[f].GetItem(DicomTags.DerivationImageSequence)!.GetItem(DicomTags.SourceImageSequence)!;
            Assert.Equal(source.Slices[k].SopInstanceUid, derived.GetString(DicomTags.ReferencedSOPInstanceUID));
            for (int i = 0; i < plane; i++)
            {
                int expected = wide ? labels.GetData<ushort>()[k * plane + i] : labels.GetData<byte>()[k * plane + i];
                if (expected == 2) expected = 0;
                int got = wide ? image.Volume.GetData<ushort>()[f * plane + i] : image.Volume.GetData<byte>()[f * plane + i];
                Assert.Equal(expected, got);
            }
        }

        // Through the SEG reader: the label volume back, voxel for voxel (label 2 was not described, so it is gone).
        var back = SegReader.Read(path, source.Volume.Geometry, source.Volume.Shape);
        var expectedAll = (wide ? labels.GetData<ushort>().ToArray().Select(x => (int)x) : labels.GetData<byte>().ToArray().Select(x => (int)x)).Select(x => x == 2 ? 0 : x).ToArray();
        var gotAll = wide ? back.GetData<ushort>().ToArray().Select(x => (int)x).ToArray() : back.GetData<byte>().ToArray().Select(x => (int)x).ToArray();
        Assert.Equal(expectedAll, gotAll);

        // dcmtk parses it and sees the same attributes.
        var dump = DcmtkTools.DcmDump(path);
        output.WriteLine(dump[..Math.Min(dump.Length, 3000)]);
        Assert.Contains("(0008,0016) UI [1.2.840.10008.5.1.4.1.1.66.7]", dump);
        Assert.Contains("(0062,0001) CS [LABELMAP]", dump);
        Assert.Contains($"(0028,0100) US {(wide ? 16 : 8)}", dump);
        Assert.Contains("(0028,0120) US 0", dump);
        Assert.Contains("(0008,0100) SH [125040]", dump);
        Assert.DoesNotContain("(0062,000a)", dump);
        foreach (var slice in source.Slices) Assert.Contains(slice.SopInstanceUid, dump);
    }

    [Fact]
    public void LabelMapSeg_Dciodvfy_ReportsNoErrorItKnows()
    {
        var source = Source();
        var path = _dir.File("labelmap.dcm");
        SegWriter.Write(path, LabelMapLabels(source, wide: false), source, new SegWriterOptions { Type = SegmentationType.LabelMap });
        var (errors, warnings, text) = DcmtkTools.Dciodvfy(path);
        output.WriteLine(text);
        Assert.DoesNotContain(errors, e => !PredatesSupplement243(e));
        Assert.DoesNotContain(warnings, w => !AcceptedWarnings.Any(a => w.Contains(a, StringComparison.Ordinal)));
    }

    /// <summary>
    /// Errors of a dciodvfy older than Supplement 243: it does not know the Label Map Segmentation Storage IOD (so it
    /// checks encoding, VRs, multiplicities and sequences only), and it applies BINARY's rule that Segment Numbers run
    /// 1, 2, 3, ..., which Supplement 243 lifts for label maps (here 0 is the background and the numbers are the labels).
    /// </summary>
    private static bool PredatesSupplement243(string error) =>
        error.Contains("Information Object Not found", StringComparison.Ordinal)
        || error.Contains("SegmentNumber not monotonically increasing from one by one", StringComparison.Ordinal);

    [Fact]
    public void LabelMapSeg_BadSegmentsAndUndescribedPixels_AreTypedErrors()
    {
        var source = Source();
        var labels = LabelMapLabels(source, wide: false);
        var path = _dir.File("bad.dcm");
        Assert.Throws<ArgumentException>(() => SegWriter.Write(path, labels, source,
            new SegWriterOptions { Type = SegmentationType.LabelMap, Segments = [new SegmentDescription(0, "Zero")] }));
        Assert.Throws<ArgumentException>(() => SegWriter.Write(path, labels, source,
            new SegWriterOptions { Type = SegmentationType.LabelMap, Segments = [new SegmentDescription(1, "A"), new SegmentDescription(1, "B")] }));
        Assert.False(File.Exists(path));

        // A label map whose pixels hold a value no segment item describes: drop item 1 from a written SEG.
        var ds = SegWriter.Build(labels, source, new SegWriterOptions { Type = SegmentationType.LabelMap });
        ds.SetSequence(DicomTags.SegmentSequence, ds.GetSequence(DicomTags.SegmentSequence).Where(x => x.GetInt(DicomTags.SegmentNumber) != 1).ToArray());
        DicomWriter.Write(path, ds);
        var e = Assert.Throws<DicomFormatException>(() => SegReader.Read(path, source.Volume.Geometry, source.Volume.Shape));
        Assert.Contains("pixel value 1", e.Message);
    }
}
