using MedFM.Imaging;
using MedFM.Imaging.Geometry;
using Xunit;

namespace MedFM.Imaging.Tests;

public class VolumeTransformTests
{
    private static Volume Ramp(int w, int h, int d, ImageGeometry g, int components = 1)
    {
        var shape = new VolumeShape(w, h, d, components);
        var data = new float[shape.ElementCount];
        for (int x = 0; x < data.Length; x++) data[x] = x;
        return new Volume(shape, data, g);
    }

    private static ImageGeometry Oblique(AnatomicalFrame frame)
    {
        // A rotation of 30° about z then 100° about x: axes far from identity, with a reflection on j.
        double a = 30 * Math.PI / 180, b = 100 * Math.PI / 180;
        var rz = new Matrix3d(Math.Cos(a), -Math.Sin(a), 0, Math.Sin(a), Math.Cos(a), 0, 0, 0, 1);
        var rx = new Matrix3d(1, 0, 0, 0, Math.Cos(b), -Math.Sin(b), 0, Math.Sin(b), Math.Cos(b));
        var dir = rx * rz * Matrix3d.Diagonal(new Vector3d(1, -1, 1));
        return new ImageGeometry(new Vector3d(-12, 30, 7), new Vector3d(0.8, 1.5, 2.5), dir, frame);
    }

    /// <summary>Every voxel of <paramref name="b"/> sits at a world point where <paramref name="a"/> has the same value.</summary>
    private static void AssertSameWorldContent(Volume a, Volume b)
    {
        for (int k = 0; k < b.Depth; k++)
            for (int j = 0; j < b.Height; j++)
                for (int i = 0; i < b.Width; i++)
                {
                    var world = b.Geometry.InFrame(a.Geometry.Frame).IndexToWorld(i, j, k);
                    var idx = a.Geometry.WorldToIndex(world);
                    int ai = (int)Math.Round(idx.X), aj = (int)Math.Round(idx.Y), ak = (int)Math.Round(idx.Z);
                    Assert.True(new Vector3d(ai, aj, ak).MaxAbsDifference(idx) < 1e-9, $"voxel ({i},{j},{k}) is off-grid: {idx}");
                    for (int c = 0; c < a.Components; c++)
                        Assert.Equal(a.GetValue(ai, aj, ak, c), b.GetValue(i, j, k, c));
                }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Flip_KeepsWorldPositions(int axis)
    {
        var v = Ramp(4, 3, 5, Oblique(AnatomicalFrame.Lps), components: 2);
        var f = v.Flip(axis);
        AssertSameWorldContent(v, f);
        Assert.Equal(v.GetValue(0, 0, 0), f.GetValue(axis == 0 ? 3 : 0, axis == 1 ? 2 : 0, axis == 2 ? 4 : 0));
    }

    [Fact]
    public void Permute_KeepsWorldPositions_AndMovesSpacing()
    {
        var v = Ramp(4, 3, 5, Oblique(AnatomicalFrame.Ras));
        var p = v.Permute(2, 0, 1);
        Assert.Equal(new VolumeShape(5, 4, 3), p.Shape);
        Assert.Equal(new Vector3d(2.5, 0.8, 1.5), p.Geometry.Spacing);
        AssertSameWorldContent(v, p);
        Assert.Throws<ArgumentException>(() => v.Permute(0, 0, 1));
    }

    [Theory]
    [InlineData(AnatomicalFrame.Ras, "RAS")]
    [InlineData(AnatomicalFrame.Lps, "LPS")]
    public void ToCanonical_ReachesCanonicalCode_AndKeepsEveryVoxelsWorldPosition(AnatomicalFrame frame, string code)
    {
        var v = Ramp(4, 3, 5, Oblique(AnatomicalFrame.Lps));
        Assert.NotEqual("LPS", v.Geometry.OrientationCode);
        var c = v.ToCanonical(frame);
        Assert.Equal(frame, c.Geometry.Frame);
        Assert.Equal(code, c.Geometry.OrientationCode);
        AssertSameWorldContent(v, c);
    }

    [Fact]
    public void Reorient_ToArbitraryCode()
    {
        var g = new ImageGeometry(new Vector3d(1, 2, 3), new Vector3d(1, 2, 3), Matrix3d.Identity, AnatomicalFrame.Ras);
        var v = Ramp(2, 3, 4, g);
        var r = v.Reorient("SLA"); // i ← old k, j ← old −i, k ← old j
        Assert.Equal("SLA", r.Geometry.OrientationCode);
        Assert.Equal(new VolumeShape(4, 2, 3), r.Shape);
        AssertSameWorldContent(v, r);
    }

    [Fact]
    public void CropAndPad_UpdateOrigin_AndFill()
    {
        var v = Ramp(4, 3, 2, Oblique(AnatomicalFrame.Lps));
        var c = v.Crop(1, 1, 0, 2, 2, 2);
        Assert.Equal(v.GetValue(1, 1, 0), c.GetValue(0, 0, 0));
        Assert.Equal(v.GetValue(2, 2, 1), c.GetValue(1, 1, 1));
        Assert.True(c.Geometry.Origin.MaxAbsDifference(v.Geometry.IndexToWorld(1, 1, 0)) < 1e-12);
        AssertSameWorldContent(v, c);
        var p = v.Pad((1, 0, 2), (0, 3, 1), value: -7);
        Assert.Equal(new VolumeShape(5, 6, 5), p.Shape);
        Assert.Equal(-7f, p.GetValue(0, 0, 0));
        Assert.Equal(v.GetValue(0, 0, 0), p.GetValue(1, 0, 2));
        Assert.True(p.Geometry.IndexToWorld(1, 0, 2).MaxAbsDifference(v.Geometry.Origin) < 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => v.Crop(3, 0, 0, 2, 1, 1));
    }

    [Fact]
    public void LabelVolume_StaysLabelThroughTransforms()
    {
        var l = new LabelVolume(new VolumeShape(2, 2, 1), new byte[] { 1, 2, 3, 4 });
        Assert.IsType<LabelVolume>(l.Flip(0));
        Assert.IsType<LabelVolume>(l.Permute(1, 0, 2));
        Assert.IsType<LabelVolume>(l.Pad((1, 1, 0), (1, 1, 0)));
        Assert.Equal(new byte[] { 2, 1, 4, 3 }, l.Flip(0).GetData<byte>().ToArray());
    }
}
