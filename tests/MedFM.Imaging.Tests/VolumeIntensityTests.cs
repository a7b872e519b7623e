using System.Text.Json;
using MedFM.Imaging;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests;

public class VolumeIntensityTests
{
    private static Volume Line(params float[] v) => new(new VolumeShape(v.Length, 1, 1), v);

    [Fact]
    public void Window_SoftTissue_MapsHandComputedValues()
    {
        // L40/W400 → [−160, 240]
        var v = Line(-1000, -160, 40, 140, 240, 3000).Window(WindowPreset.SoftTissue);
        Assert.Equal(new float[] { 0, 0, 0.5f, 0.75f, 1, 1 }, v.GetData<float>().ToArray());
        var b = Line(-1000, 40, 240).WindowToUInt8(WindowPreset.SoftTissue);
        Assert.Equal(new byte[] { 0, 128, 255 }, b.GetData<byte>().ToArray());
    }

    [Fact]
    public void Presets_HaveTheDocumentedLevelsAndWidths()
    {
        Assert.Equal((-600.0, 1500.0), (WindowPreset.Lung.Level, WindowPreset.Lung.Width));
        Assert.Equal((400.0, 1800.0), (WindowPreset.Bone.Level, WindowPreset.Bone.Width));
        Assert.Equal((40.0, 80.0), (WindowPreset.Brain.Level, WindowPreset.Brain.Width));
        Assert.Equal(WindowPreset.Lung, WindowPreset.Named("LUNG"));
        Assert.Throws<ArgumentException>(() => WindowPreset.Named("liver"));
    }

    [Fact]
    public void MinMax_AndZScore()
    {
        Assert.Equal(new float[] { 0, 0.25f, 1 }, Line(2, 4, 10).NormalizeMinMax().GetData<float>().ToArray());
        Assert.Equal(new float[] { 0, 0 }, Line(5, 5).NormalizeMinMax().GetData<float>().ToArray());
        var z = Line(1, 3).NormalizeZScore().GetData<float>().ToArray(); // mean 2, std 1
        Assert.Equal(new float[] { -1, 1 }, z);
    }

    [Fact]
    public void Percentiles_MatchNumpy()
    {
        var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("imaging/volume/resample.json"))).RootElement;
        var values = doc.GetProperty("source").GetProperty("values").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        var v = Line(values);
        foreach (var p in doc.GetProperty("percentiles").EnumerateObject())
            Assert.Equal(p.Value.GetDouble(), v.Percentile(double.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture)), 4);
        var clipped = v.ClipPercentiles(12.5, 50).GetData<float>().ToArray();
        var lo = v.Percentile(12.5); var hi = v.Percentile(50);
        Assert.All(clipped, x => Assert.InRange(x, (float)lo - 1e-4f, (float)hi + 1e-4f));
        var n = v.NormalizePercentiles(0.5, 99.5).GetData<float>().ToArray();
        Assert.Equal(0f, n.Min()); Assert.Equal(1f, n.Max());
    }
}
