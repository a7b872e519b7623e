using MedFM.Imaging;
using MedFM.Imaging.Jpeg;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests.Jpeg;

public class JpegBadInputTests
{
    private static byte[] Valid() => File.ReadAllBytes(RepoPaths.Fixture("imaging/jpeg/base_420.jpg"));

    private static int MarkerAt(byte[] b, byte marker)
    {
        for (int i = 2; i + 1 < b.Length; i++) if (b[i] == 0xFF && b[i + 1] == marker) return i;
        throw new InvalidOperationException("marker not found");
    }

    private static JpegFormatException Fails(byte[] b) =>
        Assert.IsType<JpegFormatException>(Assert.ThrowsAny<ImageFormatException>(() => JpegReader.Read(b, "bad.jpg")));

    [Fact]
    public void MissingSoi() => Assert.Equal(0, Fails([0xFF, 0xD9]).Offset);

    [Fact]
    public void HostileFrameSize_IsRejectedBeforeAllocation()
    {
        var b = Valid();
        int sof = MarkerAt(b, 0xC0);
        b[sof + 5] = 0xFF; b[sof + 6] = 0xFF; // height 65535
        b[sof + 7] = 0xFF; b[sof + 8] = 0xFF; // width 65535
        Assert.Contains("cannot be coded", Fails(b).Message);
    }

    [Fact]
    public void SegmentPastEnd_NamesTheMarker()
    {
        var b = Valid();
        int dqt = MarkerAt(b, 0xDB);
        b[dqt + 2] = 0x7F;
        var e = Fails(b);
        Assert.Equal(dqt, e.Offset);
        Assert.Contains("FFDB", e.Message);
    }

    [Fact]
    public void TruncatedScan_IsAnError()
    {
        var b = Valid();
        int sos = MarkerAt(b, 0xDA);
        Assert.Contains("ends before the scan is complete", Fails(b[..(sos + 40)]).Message);
    }

    [Fact]
    public void UndefinedHuffmanTable_IsNamed()
    {
        var b = Valid();
        int sos = MarkerAt(b, 0xDA);
        b[sos + 6] = 0x33; // component 1 → DC table 3, AC table 3 (never defined)
        Assert.Contains("never defined", Fails(b).Message);
    }
}
