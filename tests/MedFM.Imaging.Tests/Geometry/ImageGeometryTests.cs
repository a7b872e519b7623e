using MedFM.Imaging;
using MedFM.Imaging.Geometry;
using Xunit;

namespace MedFM.Imaging.Tests.Geometry;

public class ImageGeometryTests
{
    // A rotated, anisotropic geometry worked by hand: i → +y, j → −x, k → +z (a 90° turn about z).
    private static ImageGeometry Rotated() => new(
        new Vector3d(1, 2, 3), new Vector3d(2, 3, 4),
        Matrix3d.FromColumns(new Vector3d(0, 1, 0), new Vector3d(-1, 0, 0), new Vector3d(0, 0, 1)), AnatomicalFrame.Ras);

    [Fact]
    public void IndexToWorld_MatchesHandComputation()
    {
        var g = Rotated();
        // world = origin + i*2*(0,1,0) + j*3*(-1,0,0) + k*4*(0,0,1) at (1,1,1) = (1-3, 2+2, 3+4)
        Assert.Equal(new Vector3d(-2, 4, 7), g.IndexToWorld(1, 1, 1));
        var back = g.WorldToIndex(new Vector3d(-2, 4, 7));
        Assert.True(back.MaxAbsDifference(new Vector3d(1, 1, 1)) < 1e-12);
    }

    [Fact]
    public void Affine_RoundTripsThroughFromAffine()
    {
        var g = Rotated();
        var a = g.Affine;
        Assert.Equal(0, a[0, 0]); Assert.Equal(-3, a[0, 1]); Assert.Equal(1, a[0, 3]);
        Assert.Equal(2, a[1, 0]); Assert.Equal(4, a[2, 2]); Assert.Equal(1, a[3, 3]);
        var g2 = ImageGeometry.FromAffine(a.ToArray(), AnatomicalFrame.Ras);
        Assert.True(g.ApproximatelyEquals(g2, 1e-12));
    }

    [Fact]
    public void InFrame_NegatesFirstTwoWorldAxes_AndPreservesThePhysicalPoint()
    {
        var ras = Rotated();
        var lps = ras.InFrame(AnatomicalFrame.Lps);
        Assert.Equal(AnatomicalFrame.Lps, lps.Frame);
        var pr = ras.IndexToWorld(3, 5, 7);
        var pl = lps.IndexToWorld(3, 5, 7);
        Assert.Equal(-pr.X, pl.X, 12); Assert.Equal(-pr.Y, pl.Y, 12); Assert.Equal(pr.Z, pl.Z, 12);
        Assert.True(lps.InFrame(AnatomicalFrame.Ras).ApproximatelyEquals(ras, 1e-12));
        Assert.Equal("ALS", ras.OrientationCode); // i → +y (A), j → −x (L), k → +z (S)
        Assert.Equal("ALS", lps.OrientationCode); // the letters are physical: the same in either frame
    }

    [Fact]
    public void Constructor_RejectsBadSpacingAndDegenerateDirection()
    {
        Assert.Throws<GeometryException>(() => new ImageGeometry(Vector3d.Zero, new Vector3d(1, 0, 1), Matrix3d.Identity, AnatomicalFrame.Lps));
        Assert.Throws<GeometryException>(() => new ImageGeometry(Vector3d.Zero, Vector3d.One,
            Matrix3d.FromColumns(new Vector3d(1, 0, 0), new Vector3d(1, 0, 0), new Vector3d(0, 0, 1)), AnatomicalFrame.Lps));
        Assert.Throws<GeometryException>(() => new ImageGeometry(new Vector3d(double.NaN, 0, 0), Vector3d.One, Matrix3d.Identity, AnatomicalFrame.Lps));
    }

    [Fact]
    public void Direction_IsNormalisedColumnwise()
    {
        var g = new ImageGeometry(Vector3d.Zero, Vector3d.One,
            Matrix3d.FromColumns(new Vector3d(2, 0, 0), new Vector3d(0, 0.5, 0), new Vector3d(0, 0, 3)), AnatomicalFrame.Lps);
        Assert.Equal(Matrix3d.Identity, g.Direction);
    }

    [Fact]
    public void UnknownGeometry_InFrameOnlyRelabels()
    {
        var u = ImageGeometry.Unknown.InFrame(AnatomicalFrame.Ras);
        Assert.False(u.IsKnown);
        Assert.Equal(Matrix3d.Identity, u.Direction);
    }
}
