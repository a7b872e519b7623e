using System.Text.Json;
using MedFM.Imaging.Transforms;
using Xunit;

namespace MedFM.Imaging.Tests.Transforms;

public class ResizeLongestSideTests
{
    private static JsonElement Doc => ResizeFixtures.Load("sam.json");

    [Fact]
    public void GetPreprocessShape_MatchesReference()
    {
        foreach (var s in Doc.GetProperty("shapes").EnumerateArray())
            Assert.Equal((s.GetProperty("new_height").GetInt32(), s.GetProperty("new_width").GetInt32()),
                ResizeLongestSide.GetPreprocessShape(s.GetProperty("height").GetInt32(), s.GetProperty("width").GetInt32(), 1024));
    }

    [Fact]
    public void ApplyImage_IsBitIdenticalToReference()
    {
        var t = new ResizeLongestSide(1024);
        foreach (var c in Doc.GetProperty("images").EnumerateArray())
        {
            var src = ImageFile.Read(MedFM.TestSupport.RepoPaths.TestData(c.GetProperty("file").GetString()!));
            Assert.Equal(c.GetProperty("input_md5").GetString(), ResizeFixtures.Md5(src.GetBytes()));
            var outImage = t.ApplyImage(src);
            var shape = c.GetProperty("out_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal((shape[0], shape[1]), (outImage.Height, outImage.Width));
            Assert.Equal(c.GetProperty("md5").GetString(), ResizeFixtures.Md5(outImage.GetBytes()));
        }
    }

    [Fact]
    public void ApplyCoordsAndBoxes_MatchReferenceExactly()
    {
        var t = new ResizeLongestSide(1024);
        foreach (var c in Doc.GetProperty("coords").EnumerateArray())
        {
            var size = c.GetProperty("original").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var original = (size[0], size[1]);
            Assert.Equal(Doubles(c, "applied"), t.ApplyCoords(Doubles(c, "coords"), original));
            Assert.Equal(Doubles(c, "boxes_applied"), t.ApplyBoxes(Doubles(c, "boxes"), original));
            var f32 = Doubles(c, "coords_f32").Select(v => (float)v).ToArray();
            Assert.Equal(Doubles(c, "coords_torch").Select(v => (float)v).ToArray(), t.ApplyCoordsTorch(f32, original));
        }
    }

    [Fact]
    public void BadArguments_AreTyped()
    {
        Assert.Throws<ImageTransformException>(() => new ResizeLongestSide(0));
        Assert.Throws<ImageTransformException>(() => new ResizeLongestSide(1024).ApplyCoords([1.0, 2.0, 3.0], (10, 10)));
        Assert.Throws<ImageTransformException>(() => new ResizeLongestSide(1024).ApplyBoxes([1.0, 2.0], (10, 10)));
        Assert.Throws<ImageTransformException>(() => ResizeLongestSide.GetPreprocessShape(0, 5, 1024));
    }

    private static double[] Doubles(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetDouble()).ToArray();
}
