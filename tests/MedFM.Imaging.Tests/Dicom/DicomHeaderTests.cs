using System.Text.RegularExpressions;
using MedFM.Imaging.Dicom;
using Xunit;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// The parser against dcmdump: for files made by dump2dcm and converted by dcmconv into every uncompressed transfer
/// syntax (explicit/implicit little endian, explicit big endian, deflated; with and without preamble/meta; sequences of
/// defined and undefined length), every element dcmdump lists has the same tag, VR and length in our dataset, in order.
/// </summary>
public sealed class DicomHeaderTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private const string Sequences = """
(0040,0275) SQ (Sequence with undefined length #=2)
  (fffe,e000) na (Item with undefined length #=2)
    (0040,0007) LO [Step one]
    (0040,0008) SQ (Sequence with undefined length #=1)
      (fffe,e000) na (Item with undefined length #=2)
        (0008,0100) SH [T-D1100]
        (0008,0102) SH [SRT]
      (fffe,e00d) na (ItemDelimitationItem)
    (fffe,e0dd) na (SequenceDelimitationItem)
  (fffe,e00d) na (ItemDelimitationItem)
  (fffe,e000) na (Item with undefined length #=1)
    (0040,0009) SH [SPS2]
  (fffe,e00d) na (ItemDelimitationItem)
(fffe,e0dd) na (SequenceDelimitationItem)
""";

    /// <summary>A CT-like 3×4 slice with a Latin-1 name, nested sequences and a private block.</summary>
    private string MakeBase(bool undefinedLengths)
    {
        var d = DumpBuilder.Image("1.2.826.0.1.3680043.2.1125.9.1", "1.2.826.0.1.3680043.2.1125.9")
            .Text("0008,0005", "CS", "ISO_IR 100").Text("0010,0010", "PN", "Müller^Jörg")
            .Text("0009,0010", "LO", "MEDFM PRIVATE").Add("0009,1001", "LO", "[private value]")
            .Pixels(3, 4, 16, 12, signed: false).Plane([-10, -20, 30], [1, 0, 0, 0, 1, 0], 0.5, 0.7)
            .Ds("0028,1052", -1024).Ds("0028,1053", 1).Block("0040,0275", Sequences);
        var px = new byte[24];
        for (int i = 0; i < 12; i++) { px[2 * i] = (byte)(i * 17); px[2 * i + 1] = (byte)(i % 16); }
        return d.Write(_dir.Path, undefinedLengths ? "base-ul.dcm" : "base.dcm", px, words: true, undefinedLengths ? ["-e"] : []);
    }

    public static IEnumerable<object[]> Syntaxes() =>
    [
        ["+te", "1.2.840.10008.1.2.1"], ["+ti", "1.2.840.10008.1.2"], ["+tb", "1.2.840.10008.1.2.2"], ["+td", "1.2.840.10008.1.2.1.99"],
    ];

    [Theory]
    [MemberData(nameof(Syntaxes))]
    public void EveryElementMatchesDcmdump_InEachTransferSyntax(string option, string uid)
    {
        foreach (bool undefined in new[] { false, true })
        {
            var src = MakeBase(undefined);
            var file = DcmtkTools.Convert("dcmconv", src, _dir.File($"conv{option}{undefined}.dcm"), option, undefined ? "-e" : "+e");
            var parsed = DicomFileReader.Read(file);
            Assert.Equal(uid, parsed.TransferSyntax.Uid);
            Assert.True(parsed.HasPreamble);
            AssertMatchesDcmdump(file, parsed);
            Assert.Equal("Müller^Jörg", parsed.Dataset.GetString(DicomTags.PatientName));
            var steps = parsed.Dataset.GetSequence(new DicomTag(0x0040, 0x0275));
            Assert.Equal(2, steps.Count);
            Assert.Equal("Step one", steps[0].GetString(new DicomTag(0x0040, 0x0007)));
            Assert.Equal("T-D1100", steps[0].GetItem(new DicomTag(0x0040, 0x0008))!.GetString(DicomTags.CodeValue));
            Assert.Equal(new[] { -10.0, -20, 30 }, parsed.Dataset.GetDoubles(DicomTags.ImagePositionPatient));
            Assert.Equal(12, parsed.Dataset.GetInt(DicomTags.BitsStored));
        }
    }

    [Fact]
    public void RawDatasetWithoutPreambleOrMeta_ImplicitAndExplicit()
    {
        var src = MakeBase(false);
        foreach (var ts in new[] { "+ti", "+te" })
        {
            var raw = DcmtkTools.Convert("dcmconv", src, _dir.File($"raw{ts}.dcm"), ts, "-F");
            var parsed = DicomFileReader.Read(raw);
            Assert.False(parsed.HasPreamble);
            Assert.Equal(0, parsed.Meta.Count);
            Assert.Equal(ts == "+ti" ? TransferSyntax.ImplicitVRLittleEndian.Uid : TransferSyntax.ExplicitVRLittleEndian.Uid, parsed.TransferSyntax.Uid);
            Assert.Equal("1.2.826.0.1.3680043.2.1125.9.1", parsed.SopInstanceUid);
            AssertMatchesDcmdump(raw, parsed);
        }
    }

    [Fact]
    public void HeaderOnlyRead_StopsBeforePixelData_AndAgreesWithFullRead()
    {
        // A 600×600 16-bit slice: the pixel data lies beyond the first 256 KB chunk the header read takes.
        var d = DumpBuilder.Image("1.2.3.4.1", "1.2.3.4").Pixels(600, 600, 16, 16, signed: true);
        var path = d.Write(_dir.Path, "big.dcm", new byte[600 * 600 * 2], words: true);
        var header = DicomFileReader.ReadHeader(path);
        var full = DicomFileReader.Read(path);
        Assert.True(header.IsHeaderOnly);
        Assert.False(header.Dataset.Contains(DicomTags.PixelData));
        Assert.True(full.Dataset.Contains(DicomTags.PixelData));
        Assert.Equal(full.Dataset.Count - 1, header.Dataset.Count);
        Assert.Equal(600 * 600 * 2, full.Dataset[DicomTags.PixelData]!.Length);
    }

    [Fact]
    public void Utf8AndIso2022Latin1_TextDecodes()
    {
        var d = DumpBuilder.Image("1.2.3.5.1", "1.2.3.5").Text("0008,0005", "CS", "ISO_IR 192").Pixels(1, 1, 8, 8, false);
        var dump = d.Text("0010,0010", "PN", "__NAME__");
        var path = _dir.File("utf8.dcm");
        var text = dump.Build().Replace("__NAME__", "Дмитрий^Ünal");
        File.WriteAllBytes(_dir.File("px.raw"), [7, 0]);
        // dump2dcm reads its input as bytes: write the UTF-8 bytes of the name into the dump.
        File.WriteAllBytes(_dir.File("utf8.dump"), System.Text.Encoding.UTF8.GetBytes(text + "(7fe0,0010) OB =px.raw\n"));
        DcmtkTools.Run("dump2dcm", ["utf8.dump", path], _dir.Path);
        Assert.Equal("Дмитрий^Ünal", DicomFileReader.Read(path).Dataset.GetString(DicomTags.PatientName));

        var cs = DicomCharacterSet.FromTerms("\\ISO 2022 IR 100");
        Assert.True(cs.IsSupported);
        Assert.Equal("Jörg", cs.Decode([0x1B, 0x2D, 0x41, (byte)'J', 0xF6, (byte)'r', (byte)'g']));
    }

    private static readonly Regex DumpLine = new(@"^(\s*)\(([0-9a-f]{4}),([0-9a-f]{4})\) (\S\S) .*?#\s*(\d+|u/l),", RegexOptions.Compiled);

    /// <summary>Compares (depth, tag, VR, length) of every element dcmdump prints with our parse, item markers and sequences' lengths excepted.</summary>
    internal static void AssertMatchesDcmdump(string path, DicomFile parsed)
    {
        var expected = new List<string>();
        foreach (var line in DcmtkTools.DcmDump(path, "-q", "+L").Split('\n'))
        {
            var m = DumpLine.Match(line);
            if (!m.Success || m.Groups[2].Value == "fffe") continue;
            string vr = m.Groups[4].Value;
            string len = vr is "SQ" || (m.Groups[2].Value == "7fe0" && line.Contains("PixelSequence")) ? "-" : m.Groups[5].Value;
            expected.Add($"{m.Groups[1].Value.Length / 2} ({m.Groups[2].Value.ToUpperInvariant()},{m.Groups[3].Value.ToUpperInvariant()}) {vr} {len}");
        }
        var actual = new List<string>();
        void Walk(DicomDataset ds, int depth)
        {
            foreach (var e in ds.Elements)
            {
                var vr = e.VR == DicomVR.UN && !parsed.TransferSyntax.ExplicitVR ? "??" : e.VR.ToString();
                actual.Add($"{depth} {e.Tag} {vr} {(e.IsSequence || e.IsEncapsulated ? "-" : e.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
                if (e.Items is { } items) foreach (var it in items) Walk(it, depth + 2); // dcmdump indents items and their elements
            }
        }
        Walk(parsed.Meta, 0);
        Walk(parsed.Dataset, 0);
        if (!parsed.TransferSyntax.ExplicitVR)
        {
            // Implicit VR: the VR is the dictionary's, which may name one of several allowed VRs; compare tags and lengths.
            expected = expected.Select(s => Regex.Replace(s, @" \w\w (\S+)$", " ?? $1")).ToList();
            actual = actual.Select(s => Regex.Replace(s, @" \S\S (\S+)$", " ?? $1")).ToList();
        }
        Assert.Equal(expected, actual);
    }
}
