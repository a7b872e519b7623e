using System.Security.Cryptography;
using System.Text.Json;
using MedFM.Imaging;
using MedFM.Imaging.Jpeg;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests.Jpeg;

/// <summary>
/// The decoder against PIL (libjpeg-turbo: islow IDCT, fancy upsampling, fixed-point YCbCr). Stated tolerance:
/// exact equality; the assertions also report the mean and maximum |Δ| when they differ.
/// </summary>
public class JpegReaderTests
{
    private static readonly Lazy<JsonElement> Synthetic = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("imaging/jpeg/synthetic.json"))).RootElement);
    private static readonly Lazy<JsonElement> Real = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("imaging/jpeg/real_files.json"))).RootElement);

    public static TheoryData<string> SyntheticNames => new(Synthetic.Value.EnumerateObject().Select(p => p.Name));

    [Theory]
    [MemberData(nameof(SyntheticNames))]
    public void Synthetic_EqualsLibjpegTurbo(string name)
    {
        var e = Synthetic.Value.GetProperty(name);
        var v = JpegReader.Read(RepoPaths.Fixture("imaging/jpeg/" + name));
        Assert.Equal(e.GetProperty("width").GetInt32(), v.Width);
        Assert.Equal(e.GetProperty("height").GetInt32(), v.Height);
        Assert.Equal(e.GetProperty("channels").GetInt32(), v.Components);
        var expected = Convert.FromBase64String(e.GetProperty("pixels_b64").GetString()!);
        var got = v.GetData<byte>();
        Assert.Equal(expected.Length, got.Length);
        long sum = 0; int max = 0, diff = 0;
        for (int i = 0; i < got.Length; i++)
        {
            int d = Math.Abs(expected[i] - got[i]);
            sum += d; max = Math.Max(max, d); if (d != 0) diff++;
        }
        Assert.True(max == 0, $"{name}: {diff} of {got.Length} samples differ, mean |Δ| {(double)sum / got.Length:F4}, max {max}");
    }

    [Theory]
    [InlineData("skimage/retina.jpg")]
    [InlineData("skimage/hubble_deep_field.jpg")]
    [InlineData("skimage/rocket.jpg")]
    public void RealFile_EqualsPil(string rel)
    {
        var e = Real.Value.GetProperty(rel);
        var v = JpegReader.Read(RepoPaths.TestData(rel));
        Assert.Equal(e.GetProperty("width").GetInt32(), v.Width);
        Assert.Equal(e.GetProperty("height").GetInt32(), v.Height);
        Assert.Equal(e.GetProperty("channels").GetInt32(), v.Components);
        foreach (var s in e.GetProperty("samples").EnumerateArray())
        {
            int x = s.GetProperty("x").GetInt32(), y = s.GetProperty("y").GetInt32();
            var value = s.GetProperty("value").EnumerateArray().Select(t => t.GetInt32()).ToArray();
            for (int c = 0; c < value.Length; c++) Assert.Equal(value[c], (int)v.GetValue(x, y, 0, c));
        }
        Assert.Equal(e.GetProperty("mean").GetDouble(), v.ToFloat64().Average(), 6);
        Assert.Equal(e.GetProperty("md5").GetString(), Convert.ToHexStringLower(MD5.HashData(v.GetBytes())));
    }

    [Fact]
    public void Identify_ReadsTheFrameHeader()
    {
        var h = JpegReader.Identify(RepoPaths.Fixture("imaging/jpeg/prog_422_restart.jpg"));
        Assert.True(h.Progressive);
        Assert.Equal((37, 29, 3), (h.Width, h.Height, h.Components));
        Assert.Equal([(2, 1), (1, 1), (1, 1)], h.Sampling);
        var ext = JpegReader.Identify(RepoPaths.Fixture("imaging/jpeg/ext_16bit_qt.jpg"));
        Assert.Equal(1, ext.FrameType);
        Assert.Equal(0, JpegReader.Identify(RepoPaths.Fixture("imaging/jpeg/rgb_adobe.jpg")).AdobeTransform);
    }

    [Fact]
    public void Arithmetic_AndTruncated_AreTypedErrors()
    {
        var a = Assert.IsType<UnsupportedImageFeatureException>(Assert.ThrowsAny<ImageFormatException>(
            () => JpegReader.Read(RepoPaths.Fixture("imaging/jpeg/arith.jpg"))));
        Assert.Contains("arithmetic", a.Message);
        var t = Assert.ThrowsAny<ImageFormatException>(() => JpegReader.Read(RepoPaths.TestData("skimage/truncated.jpg")));
        Assert.IsType<JpegFormatException>(t);
    }
}
