using System.Text.Json;
using MedFM.Imaging;
using MedFM.Imaging.Geometry;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests;

public class VolumeResampleTests
{
    private static readonly JsonElement Doc =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("imaging/volume/resample.json"))).RootElement;

    private static Volume Source()
    {
        var s = Doc.GetProperty("source");
        var values = s.GetProperty("values").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        var g = new ImageGeometry(new Vector3d(5, 6, 7), new Vector3d(1, 2, 3), Matrix3d.Identity, AnatomicalFrame.Ras);
        return new Volume(new VolumeShape(s.GetProperty("width").GetInt32(), s.GetProperty("height").GetInt32(),
            s.GetProperty("depth").GetInt32()), values, g);
    }

    [Fact]
    public void Linear_MatchesSkimageResize()
    {
        var src = Source();
        foreach (var c in Doc.GetProperty("linear").EnumerateArray())
        {
            int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32(), d = c.GetProperty("depth").GetInt32();
            var r = src.Resample(w, h, d);
            Assert.Equal(VoxelType.Float32, r.VoxelType);
            var got = r.GetData<float>();
            int n = 0;
            foreach (var e in c.GetProperty("values").EnumerateArray())
                Assert.True(Math.Abs(e.GetDouble() - got[n++]) < 1e-3, $"{w}x{h}x{d} element {n - 1}: {got[n - 1]} vs {e.GetDouble()}");
        }
    }

    [Fact]
    public void Resample_KeepsTheBoxOfTheVolume()
    {
        var src = Source(); // 7×5×4, spacing (1, 2, 3), origin (5, 6, 7)
        var r = src.Resample(14, 5, 2);
        Assert.Equal(new Vector3d(0.5, 2, 6), r.Geometry.Spacing);
        // Box start (origin − spacing/2) must be unchanged: 4.5, 5, 5.5.
        var boxStart = r.Geometry.Origin - r.Geometry.Spacing * 0.5;
        Assert.True(boxStart.MaxAbsDifference(new Vector3d(4.5, 5, 5.5)) < 1e-12);
    }

    [Fact]
    public void ResampleToSpacing_RoundsSize_AndUsesExactSpacing()
    {
        var src = Source();
        var r = src.ResampleToSpacing(new Vector3d(0.5, 2, 2));
        Assert.Equal(new VolumeShape(14, 5, 6), r.Shape);
        Assert.Equal(new Vector3d(0.5, 2, 2), r.Geometry.Spacing);
        // Equal spacing on j: the j axis is untouched, so a j-line at i=... matches linear resize by the same factor.
        var expected = src.Resample(14, 5, 6);
        Assert.Equal(expected.GetData<float>().ToArray(), r.GetData<float>().ToArray());
    }

    [Fact]
    public void Labels_AreAlwaysNearest_EvenWhenLinearIsAsked()
    {
        var l = new LabelVolume(new VolumeShape(4, 1, 1), new byte[] { 0, 10, 20, 30 });
        var r = l.Resample(8, 1, 1, Interpolation.Linear);
        Assert.IsType<LabelVolume>(r);
        Assert.Equal(new byte[] { 0, 0, 10, 10, 20, 20, 30, 30 }, r.GetData<byte>().ToArray());
        var down = l.Resample(2, 1, 1);
        Assert.Equal(new byte[] { 10, 30 }, down.GetData<byte>().ToArray()); // centres at 0.5 and 2.5 round up
    }

    [Fact]
    public void ResampleOnto_OwnGeometry_IsIdentity_AndShiftedGridReadsNeighbours()
    {
        var src = Source();
        var same = src.ResampleOnto(src.Geometry, src.Width, src.Height, src.Depth);
        Assert.Equal(src.GetData<float>().ToArray(), same.GetData<float>().ToArray());
        // A grid shifted by one voxel along i (1 mm): voxel i reads source i+1; the last column falls outside → fill.
        var shifted = src.Geometry.WithOrigin(src.Geometry.Origin + new Vector3d(1, 0, 0));
        var s = src.ResampleOnto(shifted, src.Width, src.Height, src.Depth, Interpolation.Linear, fill: -1);
        Assert.Equal(src.GetValue(3, 2, 1), s.GetValue(2, 2, 1), 5);
        Assert.Equal(-1f, s.GetValue(6, 2, 1));
        // The same grid in the other frame describes the same points.
        var inLps = src.ResampleOnto(src.Geometry.InFrame(AnatomicalFrame.Lps), src.Width, src.Height, src.Depth);
        Assert.Equal(src.GetData<float>().ToArray(), inLps.GetData<float>().ToArray());
    }

    [Fact]
    public void ResampleOnto_AGridThatIsAPermutedFlippedCopy_ReproducesTheVoxelMoves()
    {
        // Two independent paths must agree: moving voxels (Permute/Flip) and sampling by world position.
        var src = Source();
        var labels = new LabelVolume(src.Shape, src.GetData<float>().ToArray().Select(v => (byte)Math.Abs(v)).ToArray(), src.Geometry);
        foreach (var moved in new Volume[] { labels.Permute(2, 0, 1).Flip(1), labels.Flip(0).Flip(2), labels.Reorient("PIR") })
        {
            var sampled = labels.ResampleOnto(moved.Geometry, moved.Width, moved.Height, moved.Depth, Interpolation.Linear);
            Assert.IsType<LabelVolume>(sampled);
            Assert.Equal(moved.GetData<byte>().ToArray(), sampled.GetData<byte>().ToArray());
        }
        var linear = src.Permute(1, 2, 0);
        var back = src.ResampleOnto(linear.Geometry, linear.Width, linear.Height, linear.Depth);
        Assert.Equal(linear.GetData<float>().ToArray(), back.GetData<float>().ToArray());
    }
}
