using MedFM.Imaging.Dicom;
using Xunit;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// Compressed transfer syntaxes decoded through GDCM's C# binding: JPEG lossless (process 14 and SV1), JPEG-LS
/// lossless and JPEG 2000 lossless must give the written values exactly; lossy JPEG (baseline, extended) must agree
/// with dcmtk's own decompression (dcmdjpeg) and JPEG-LS near-lossless must stay within its NEAR bound.
/// </summary>
public sealed class DicomCodecTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private static readonly DicomReadOptions Stored = new() { ApplyModalityLut = false, InvertMonochrome1 = false };

    public static IEnumerable<object[]> Lossless() =>
        from name in new[] { "u8", "u16_12", "s16", "u16", "rgb8_planar0", "rgb8_planar1", "mf_s16_4frames" }
        from codec in new[] { "jpeg-lossless", "jpeg-sv1", "jpeg-ls", "j2k" }
        select new object[] { name, codec };

    private string Encode(string src, string codec, string name) => codec switch
    {
        "jpeg-lossless" => DcmtkTools.Convert("dcmcjpeg", src, _dir.File(name + ".jll.dcm"), "+el"),
        "jpeg-sv1" => DcmtkTools.Convert("dcmcjpeg", src, _dir.File(name + ".jsv1.dcm"), "+e1"),
        "jpeg-ls" => DcmtkTools.Convert("dcmcjpls", src, _dir.File(name + ".jls.dcm"), "+el"),
        "jpeg-ls-near" => DcmtkTools.Convert("dcmcjpls", src, _dir.File(name + ".jlsn.dcm"), "+en"),
        "j2k" => Gdcmconv(src, _dir.File(name + ".j2k.dcm"), "--j2k"),
        _ => throw new ArgumentException(codec),
    };

    private static string Gdcmconv(string src, string dst, string option)
    {
        DcmtkTools.Run("gdcmconv", option, src, dst);
        return dst;
    }

    private static readonly Dictionary<string, string> SyntaxOf = new()
    {
        ["jpeg-lossless"] = TransferSyntax.JpegLossless.Uid, ["jpeg-sv1"] = TransferSyntax.JpegLosslessSV1.Uid,
        ["jpeg-ls"] = TransferSyntax.JpegLsLossless.Uid, ["j2k"] = TransferSyntax.Jpeg2000Lossless.Uid,
    };

    [Theory]
    [MemberData(nameof(Lossless))]
    public void LosslessCodecs_AreBitExact(string name, string codec)
    {
        Assert.True(GdcmCodec.IsAvailable, GdcmCodec.UnavailableReason);
        var c = PixelCase.Native.Single(x => x.Name == name).Generate();
        var encoded = Encode(c.Write(_dir.Path), codec, name);
        var image = DicomImageReader.Read(encoded, Stored);
        Assert.Equal(SyntaxOf[codec], image.File.TransferSyntax.Uid);
        Assert.Equal(new VolumeShape(c.Cols, c.Rows, c.Frames, c.Samples), image.Volume.Shape);
        Assert.Equal(c.Expected, DicomPixelTests.Values(image.Volume));
    }

    [Fact]
    public void JpegLsNearLossless_StaysWithinNear()
    {
        var c = PixelCase.Native.Single(x => x.Name == "u16_12").Generate();
        var image = DicomImageReader.Read(Encode(c.Write(_dir.Path), "jpeg-ls-near", "near"), Stored);
        Assert.Equal(TransferSyntax.JpegLsNearLossless.Uid, image.File.TransferSyntax.Uid);
        var got = DicomPixelTests.Values(image.Volume);
        for (int i = 0; i < got.Length; i++) Assert.InRange(got[i] - c.Expected[i], -2, 2);
    }

    [Theory]
    [InlineData("+eb", "1.2.840.10008.1.2.4.50", "u8")]
    [InlineData("+ee", "1.2.840.10008.1.2.4.51", "u16_12")]
    [InlineData("+eb", "1.2.840.10008.1.2.4.50", "rgb8_planar0")]
    public void LossyJpeg_AgreesWithDcmtkDecompression(string option, string uid, string name)
    {
        var c = PixelCase.Native.Single(x => x.Name == name).Generate();
        var lossy = DcmtkTools.Convert("dcmcjpeg", c.Write(_dir.Path), _dir.File(name + option + ".dcm"), option);
        var reference = DcmtkTools.Convert("dcmdjpeg", lossy, _dir.File(name + option + ".ref.dcm"), "+cp");
        var ours = DicomImageReader.Read(lossy, Stored);
        var theirs = DicomImageReader.Read(reference, Stored);
        Assert.Equal(uid, ours.File.TransferSyntax.Uid);
        Assert.Equal(theirs.Volume.Shape, ours.Volume.Shape);
        var a = DicomPixelTests.Values(ours.Volume);
        var b = DicomPixelTests.Values(theirs.Volume);
        int worst = 0;
        for (int i = 0; i < a.Length; i++) worst = (int)Math.Max(worst, Math.Abs(a[i] - b[i]));
        Assert.True(worst <= 1, $"largest difference to dcmdjpeg is {worst}");
    }
}
