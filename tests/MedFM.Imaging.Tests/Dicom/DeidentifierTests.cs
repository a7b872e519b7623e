using System.Text;
using MedFM.Imaging.Dicom;
using Xunit;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// De-identification of a generated series carrying identifying data in plain, nested and private attributes:
/// nothing identifying survives (searched in the output bytes), pixel data is byte-identical, UIDs are remapped
/// consistently (study/series shared, references follow their instances), the method is recorded, dcmdump and the
/// series reader read the result.
/// </summary>
public sealed class DeidentifierTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private static readonly string[] Secrets = ["Test^Patient", "PID-0001", "Springfield General", "19700405", "ACC-778899", "Dr^Who", "SECRET PRIVATE", "Nested^Physician"];

    private (SeriesMaker, string) MakeSeries()
    {
        var m = new SeriesMaker { Slices = 3 };
        var src = Directory.CreateDirectory(_dir.File("in")).FullName;
        for (int k = 0; k < m.Slices; k++)
            m.WriteSlice(src, k, $"s{k}.dcm", extra: d => d
                .Text("0010,0030", "DA", "19700405").Text("0008,0080", "LO", "Springfield General").Text("0008,0050", "SH", "ACC-778899")
                .Text("0008,0090", "PN", "Dr^Who").Text("0029,0010", "LO", "ACME 1.0").Add("0029,1010", "LO", "[SECRET PRIVATE]")
                .Block("0008,1140", $"""
(0008,1140) SQ (Sequence with undefined length #=1)
  (fffe,e000) na (Item with undefined length #=3)
    (0008,1150) UI =CTImageStorage
    (0008,1155) UI [{m.SeriesUid}.{(k + 1) % m.Slices + 1}]
    (0032,1032) PN [Nested^Physician]
  (fffe,e00d) na (ItemDelimitationItem)
(fffe,e0dd) na (SequenceDelimitationItem)
""")
                .Block("0040,0275", """
(0040,0275) SQ (Sequence with undefined length #=1)
  (fffe,e000) na (Item with undefined length #=1)
    (0032,1032) PN [Nested^Physician]
  (fffe,e00d) na (ItemDelimitationItem)
(fffe,e0dd) na (SequenceDelimitationItem)
"""));
        DcmtkTools.Convert("dcmcrle", Path.Combine(src, "s2.dcm"), Path.Combine(src, "s2rle.tmp"));
        File.Move(Path.Combine(src, "s2rle.tmp"), Path.Combine(src, "s2.dcm"), overwrite: true);
        return (m, src);
    }

    [Fact]
    public void BasicProfile_RemovesIdentity_KeepsPixels_RemapsUidsConsistently()
    {
        var (m, src) = MakeSeries();
        var outDir = _dir.File("out");
        var result = Deidentifier.Run([src], outDir, new DeidentifyOptions { Salt = "test-salt" });
        Assert.Equal(3, result.Written.Count);
        Assert.Empty(result.Skipped);
        var newSop = new Dictionary<string, string>();
        string? study = null, series = null;
        foreach (var (input, output) in result.Written)
        {
            var bytes = File.ReadAllBytes(output);
            var latin = Encoding.Latin1.GetString(bytes);
            foreach (var secret in Secrets) Assert.DoesNotContain(secret, latin);
            var a = DicomFileReader.Read(input);
            var b = DicomFileReader.Read(output);
            AssertSamePixels(a, b);
            Assert.Equal(a.TransferSyntax.Uid, b.TransferSyntax.Uid);
            Assert.Equal("YES", b.Dataset.GetString(DicomTags.PatientIdentityRemoved));
            Assert.Equal("113100", b.Dataset.GetItem(DicomTags.DeidentificationMethodCodeSequence)!.GetString(DicomTags.CodeValue));
            Assert.DoesNotContain(b.Dataset.Elements, e => e.Tag.IsPrivate);
            Assert.Equal(b.SopInstanceUid, b.Meta.GetString(DicomTags.MediaStorageSOPInstanceUID));
            Assert.NotEqual(a.SopInstanceUid, b.SopInstanceUid);
            Assert.True(DicomUid.IsValid(b.SopInstanceUid!));
            newSop[a.SopInstanceUid!] = b.SopInstanceUid!;
            study ??= b.Dataset.GetString(DicomTags.StudyInstanceUID);
            series ??= b.Dataset.GetString(DicomTags.SeriesInstanceUID);
            Assert.Equal(study, b.Dataset.GetString(DicomTags.StudyInstanceUID));
            Assert.Equal(series, b.Dataset.GetString(DicomTags.SeriesInstanceUID));
            Assert.NotEqual(m.StudyUid, study);
            Assert.Equal(0, b.Dataset[DicomTags.AccessionNumber]!.Length);                     // Z
            Assert.Equal(0, b.Dataset[DicomTags.InstitutionName]!.Length);                     // X/Z resolved to Z
            Assert.Equal(0, b.Dataset[DicomTags.PatientName]!.Length);                         // Z
            Assert.Equal(0, b.Dataset[DicomTags.PatientBirthDate]!.Length);                    // Z
            Assert.False(b.Dataset.Contains(new DicomTag(0x0040, 0x0275)));                   // an X sequence goes whole
            var nested = b.Dataset.GetItem(new DicomTag(0x0008, 0x1140))!;                    // kept, cleaned recursively
            Assert.False(nested.Contains(new DicomTag(0x0032, 0x1032)));                       // X inside a kept sequence
            DcmtkTools.DcmDump(output); // parses without error
        }
        // References inside sequences follow the instances they point at.
        foreach (var (input, output) in result.Written)
        {
            var a = DicomFileReader.Read(input).Dataset.GetItem(new DicomTag(0x0008, 0x1140))!.GetString(DicomTags.ReferencedSOPInstanceUID)!;
            var b = DicomFileReader.Read(output).Dataset.GetItem(new DicomTag(0x0008, 0x1140))!.GetString(DicomTags.ReferencedSOPInstanceUID)!;
            Assert.Equal(newSop[a], b);
        }
        // The de-identified series reads back to the same voxels and geometry.
        var before = DicomSeriesReader.Load(src);
        var after = DicomSeriesReader.Load(outDir);
        Assert.Equal(before.Volume.GetData<float>().ToArray(), after.Volume.GetData<float>().ToArray());
        Assert.True(before.Volume.Geometry.ApproximatelyEquals(after.Volume.Geometry, 1e-9));

        // Same salt: same UIDs; no salt: different UIDs.
        var again = Deidentifier.Run([src], _dir.File("out2"), new DeidentifyOptions { Salt = "test-salt" });
        Assert.Equal(result.UidMap.OrderBy(x => x.Key), again.UidMap.OrderBy(x => x.Key));
        var other = Deidentifier.Run([src], _dir.File("out3"));
        Assert.NotEqual(result.UidMap[m.StudyUid], other.UidMap[m.StudyUid]);
    }

    private static void AssertSamePixels(DicomFile a, DicomFile b)
    {
        var pa = a.Dataset[DicomTags.PixelData]!;
        var pb = b.Dataset[DicomTags.PixelData]!;
        if (pa.Fragments is { } fa)
        {
            var fb = pb.Fragments!;
            Assert.Equal(fa.Count, fb.Count);
            for (int i = 0; i < fa.Count; i++) Assert.True(fa.Fragments[i].Span.SequenceEqual(fb.Fragments[i].Span));
        }
        else Assert.True(pa.Value.Span.SequenceEqual(pb.Value.Span), "pixel data bytes differ");
    }

    [Fact]
    public void ProfileTable_HasTheStandardsRows()
    {
        Assert.True(BasicProfile.Count > 600, $"{BasicProfile.Count} rows");
        Assert.Equal(DeidAction.Uid, BasicProfile.ActionOf(DicomTags.StudyInstanceUID));
        Assert.Equal(DeidAction.Zero, BasicProfile.ActionOf(DicomTags.AccessionNumber));
        Assert.Equal(DeidAction.Zero, BasicProfile.ActionOf(DicomTags.InstitutionName));       // X/Z → Z
        Assert.Equal(DeidAction.Remove, BasicProfile.ActionOf(new DicomTag(0x0032, 0x1032)));   // RequestingPhysician X
        Assert.Equal(DeidAction.Keep, BasicProfile.ActionOf(DicomTags.SourceImageSequence));    // X/Z/U* → keep, UIDs inside remapped
        Assert.Equal(DeidAction.Remove, BasicProfile.ActionOf(new DicomTag(0x6002, 0x3000))); // overlay data, 60xx rows
        Assert.Null(BasicProfile.ActionOf(DicomTags.Rows));
    }
}
