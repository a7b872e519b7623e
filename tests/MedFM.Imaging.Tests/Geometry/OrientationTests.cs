using MedFM.Imaging;
using MedFM.Imaging.Geometry;
using Xunit;

namespace MedFM.Imaging.Tests.Geometry;

public class OrientationTests
{
    [Theory]
    [InlineData(AnatomicalFrame.Ras, "RAS")]
    [InlineData(AnatomicalFrame.Lps, "LPS")]
    public void Identity_IsTheFramesOwnCode(AnatomicalFrame frame, string code) =>
        Assert.Equal(code, Orientation.CodeOf(Matrix3d.Identity, frame));

    [Fact]
    public void ObliqueDirection_PicksClosestAxes()
    {
        // 20° rotation about z: i is mostly +x, j mostly +y.
        double c = Math.Cos(20 * Math.PI / 180), s = Math.Sin(20 * Math.PI / 180);
        var d = new Matrix3d(c, -s, 0, s, c, 0, 0, 0, -1);
        Assert.Equal("RAI", Orientation.CodeOf(d, AnatomicalFrame.Ras));
        // 60° rotation: i is mostly +y, j mostly −x.
        c = Math.Cos(60 * Math.PI / 180); s = Math.Sin(60 * Math.PI / 180);
        d = new Matrix3d(c, -s, 0, s, c, 0, 0, 0, 1);
        Assert.Equal("ALS", Orientation.CodeOf(d, AnatomicalFrame.Ras));
    }

    [Fact]
    public void NearestOrthogonal_OfOrthogonalMatrix_IsItself()
    {
        var q = Matrix3d.FromColumns(new Vector3d(0, 0, 1), new Vector3d(1, 0, 0), new Vector3d(0, -1, 0));
        Assert.True(Orientation.NearestOrthogonal(q).MaxAbsDifference(q) < 1e-12);
        var sheared = new Matrix3d(1, 0.3, 0, 0, 1, 0, 0, 0, 1);
        var r = Orientation.NearestOrthogonal(sheared);
        Assert.True((r.Transpose() * r).MaxAbsDifference(Matrix3d.Identity) < 1e-10);
    }

    [Fact]
    public void ParseCode_RejectsRepeatedAxesAndBadLetters()
    {
        Assert.Throws<GeometryException>(() => Orientation.ParseCode("RLS", AnatomicalFrame.Ras));
        Assert.Throws<GeometryException>(() => Orientation.ParseCode("RAX", AnatomicalFrame.Ras));
        Assert.Equal(new[] { (0, -1), (1, -1), (2, 1) }, Orientation.ParseCode("LPS", AnatomicalFrame.Ras));
    }
}
