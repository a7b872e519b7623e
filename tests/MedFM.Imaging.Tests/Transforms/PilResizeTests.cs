using System.Text.Json;
using MedFM.Imaging.Transforms;
using Xunit;

namespace MedFM.Imaging.Tests.Transforms;

public class PilResizeTests
{
    private static JsonElement Doc => ResizeFixtures.Load("pil.json");

    public static TheoryData<int> CaseIndices
    {
        get
        {
            var data = new TheoryData<int>();
            for (int i = 0; i < Doc.GetProperty("cases").GetArrayLength(); i++) data.Add(i);
            return data;
        }
    }

    private static PilFilter ParseFilter(string name) => Enum.Parse<PilFilter>(name, ignoreCase: true);

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Resize_IsBitIdenticalToPil(int index)
    {
        var c = Doc.GetProperty("cases")[index];
        var source = ResizeFixtures.Source(Doc.GetProperty("sources").GetProperty(c.GetProperty("source").GetString()!));
        int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32();
        var filter = ParseFilter(c.GetProperty("filter").GetString()!);
        PilBox? box = null;
        if (c.GetProperty("box").ValueKind == JsonValueKind.Array)
        {
            var b = c.GetProperty("box").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
            box = new PilBox(b[0], b[1], b[2], b[3]);
        }
        var result = PilResize.Resize(source, w, h, filter, box);
        Assert.Equal(w, result.Width);
        Assert.Equal(h, result.Height);
        Assert.Equal(source.Components, result.Components);
        foreach (var s in c.GetProperty("samples").EnumerateArray())
        {
            int x = s.GetProperty("x").GetInt32(), y = s.GetProperty("y").GetInt32();
            var expected = s.GetProperty("value").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (int ch = 0; ch < expected.Length; ch++)
                Assert.True(expected[ch] == result.GetValueDouble(x, y, 0, ch),
                    $"case {index} ({c.GetProperty("source")} {filter} {w}×{h}) pixel ({x},{y},{ch}): PIL {expected[ch]}, ours {result.GetValueDouble(x, y, 0, ch)}");
        }
        Assert.Equal(c.GetProperty("md5").GetString(), ResizeFixtures.Md5(result.GetBytes()));
    }
}
