using System.Text.Json;
using MedFM.Imaging.Geometry;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests.Nifti;

/// <summary>Access to the nibabel-generated fixtures (tools/imaging/make_nifti_fixtures.py).</summary>
internal static class NiftiFixtures
{
    private static readonly Lazy<JsonElement> RealDoc = new(() => Load("real_files.json"));
    private static readonly Lazy<JsonElement> SyntheticDoc = new(() => Load("synthetic.json"));

    public static JsonElement Real(string rel) => RealDoc.Value.GetProperty(rel);
    public static JsonElement Synthetic(string name) => SyntheticDoc.Value.GetProperty(name);
    public static IEnumerable<string> SyntheticNames => SyntheticDoc.Value.EnumerateObject().Select(p => p.Name);

    public static string Path(string name) => RepoPaths.Fixture("imaging/nifti/" + name);

    private static JsonElement Load(string name) =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("imaging/nifti/" + name))).RootElement;

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    /// <summary>nibabel shape (x, y, z[, t]) → our shape (RGB components from the volume).</summary>
    public static void AssertShape(JsonElement shape, Volume v)
    {
        var s = Ints(shape);
        Assert.Equal(s[0], v.Width);
        Assert.Equal(s.Length > 1 ? s[1] : 1, v.Height);
        Assert.Equal(s.Length > 2 ? s[2] : 1, v.Depth);
        Assert.Equal(s.Length > 3 ? s[3] : 1, v.Frames);
    }

    public static void AssertAffine(JsonElement expected, AffineMatrix actual, double tol = 1e-5)
    {
        var rows = expected.EnumerateArray().ToArray();
        for (int r = 0; r < 4; r++)
        {
            var row = Doubles(rows[r]);
            for (int c = 0; c < 4; c++)
                Assert.True(Math.Abs(row[c] - actual[r, c]) <= tol * Math.Max(1, Math.Abs(row[c])),
                    $"affine[{r},{c}]: expected {row[c]}, got {actual[r, c]}");
        }
    }

    /// <summary>Checks nibabel's sampled voxels (index = x, y, z[, t]).</summary>
    public static void AssertSamples(JsonElement samples, Volume v, double tol = 0)
    {
        foreach (var s in samples.EnumerateArray())
        {
            var idx = Ints(s.GetProperty("index"));
            double expected = s.GetProperty("value").GetDouble();
            double got = v.GetValueDouble(idx[0], idx.Length > 1 ? idx[1] : 0, idx.Length > 2 ? idx[2] : 0, 0, idx.Length > 3 ? idx[3] : 0);
            Assert.True(Math.Abs(expected - got) <= tol * Math.Max(1, Math.Abs(expected)),
                $"voxel ({string.Join(",", idx)}): expected {expected}, got {got}");
        }
    }
}
