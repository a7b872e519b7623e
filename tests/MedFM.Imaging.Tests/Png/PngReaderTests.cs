using System.Security.Cryptography;
using System.Text.Json;
using MedFM.Imaging;
using MedFM.Imaging.Png;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests.Png;

public class PngReaderTests
{
    private static readonly Lazy<JsonElement> Synthetic = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("imaging/png/synthetic.json"))).RootElement);
    private static readonly Lazy<JsonElement> Real = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("imaging/png/real_files.json"))).RootElement);

    public static TheoryData<string> SyntheticNames => new(Synthetic.Value.EnumerateObject().Select(p => p.Name));
    public static TheoryData<string> RealNames => new(Real.Value.EnumerateObject().Select(p => p.Name));

    [Theory]
    [MemberData(nameof(SyntheticNames))]
    public void Synthetic_EveryColourTypeDepthInterlaceAndFilter(string name)
    {
        var e = Synthetic.Value.GetProperty(name);
        var v = PngReader.Read(RepoPaths.Fixture("imaging/png/" + name));
        Assert.Equal(e.GetProperty("width").GetInt32(), v.Width);
        Assert.Equal(e.GetProperty("height").GetInt32(), v.Height);
        Assert.Equal(e.GetProperty("channels").GetInt32(), v.Components);
        Assert.Equal(e.GetProperty("depth").GetInt32() == 16 ? VoxelType.UInt16 : VoxelType.UInt8, v.VoxelType);
        Assert.False(v.Geometry.IsKnown);
        var expected = e.GetProperty("values").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var got = v.ToFloat64();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++)
            Assert.True(expected[i] == got[i], $"{name}: element {i} expected {expected[i]}, got {got[i]}");
        if (e.TryGetProperty("indices", out var idx))
        {
            var indices = PngReader.Read(RepoPaths.Fixture("imaging/png/" + name), new PngReadOptions { KeepPaletteIndices = true });
            Assert.Equal(idx.EnumerateArray().Select(x => (byte)x.GetInt32()).ToArray(), indices.GetData<byte>().ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(RealNames))]
    public void RealFile_MatchesPil(string rel)
    {
        var e = Real.Value.GetProperty(rel);
        var v = PngReader.Read(RepoPaths.TestData(rel));
        Assert.Equal(e.GetProperty("width").GetInt32(), v.Width);
        Assert.Equal(e.GetProperty("height").GetInt32(), v.Height);
        Assert.Equal(e.GetProperty("channels").GetInt32(), v.Components);
        bool highByte = e.GetProperty("pil_high_byte_only").GetBoolean();
        Assert.Equal(e.GetProperty("bit_depth").GetInt32() == 16 ? VoxelType.UInt16 : VoxelType.UInt8, v.VoxelType);
        var bytes = highByte ? v.GetData<ushort>().ToArray().Select(x => (byte)(x >> 8)).ToArray() : v.GetBytes().ToArray();
        Assert.Equal(e.GetProperty("md5").GetString(), Convert.ToHexStringLower(MD5.HashData(bytes)));
        foreach (var s in e.GetProperty("samples").EnumerateArray())
        {
            int x = s.GetProperty("x").GetInt32(), y = s.GetProperty("y").GetInt32();
            var value = s.GetProperty("value").EnumerateArray().Select(t => t.GetInt32()).ToArray();
            for (int c = 0; c < value.Length; c++) Assert.Equal(value[c], (int)v.GetValue(x, y, 0, c) >> (highByte ? 8 : 0));
        }
    }

    [Fact]
    public void Identify_ReadsIhdrOnly()
    {
        var h = PngReader.Identify(RepoPaths.Fixture("imaging/png/ct3_d4_i.png"));
        Assert.Equal((10, 11, 4, PngColorType.Palette, true), (h.Width, h.Height, h.BitDepth, h.ColorType, h.Interlaced));
    }
}
