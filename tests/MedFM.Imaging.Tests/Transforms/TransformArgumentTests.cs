using MedFM.Imaging.Geometry;
using MedFM.Imaging.Transforms;
using Xunit;

namespace MedFM.Imaging.Tests.Transforms;

/// <summary>Bad requests give typed exceptions naming the problem; small hand-checked behaviours.</summary>
public class TransformArgumentTests
{
    private static readonly byte[] Grey4x3 = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110];

    [Fact]
    public void PilResize_RejectsBadRequests()
    {
        var e = Assert.Throws<ImageTransformException>(() => PilResize.Resize(Grey4x3, 4, 3, 1, 0, 5));
        Assert.Contains("height and width must be > 0", e.Message);
        Assert.Contains("needs 12 samples, found 11", Assert.Throws<ImageTransformException>(() => PilResize.Resize(Grey4x3.AsSpan(1), 4, 3, 1, 2, 2)).Message);
        Assert.Contains("1 (L) or 3 (RGB)", Assert.Throws<ImageTransformException>(() => PilResize.Resize(Grey4x3, 2, 3, 2, 2, 2)).Message);
        Assert.Contains("negative", Assert.Throws<ImageTransformException>(() => PilResize.Resize(Grey4x3, 4, 3, 1, 2, 2, PilFilter.Bilinear, new PilBox(-1, 0, 4, 3))).Message);
        Assert.Contains("exceed", Assert.Throws<ImageTransformException>(() => PilResize.Resize(Grey4x3, 4, 3, 1, 2, 2, PilFilter.Bilinear, new PilBox(0, 0, 4.5f, 3))).Message);
        Assert.Contains("empty", Assert.Throws<ImageTransformException>(() => PilResize.Resize(Grey4x3, 4, 3, 1, 2, 2, PilFilter.Bilinear, new PilBox(3, 0, 2, 3))).Message);
        var volume3D = new Volume(new VolumeShape(2, 2, 3), new byte[12]);
        Assert.Throws<ImageTransformException>(() => PilResize.Resize(volume3D, 1, 1));
        var shorts = new Volume(new VolumeShape(2, 2), new short[4]);
        Assert.Contains("Int16", Assert.Throws<ImageTransformException>(() => PilResize.Resize(shorts, 1, 1)).Message);
    }

    [Fact]
    public void PilResize_HandWorkedBoxAndBilinear()
    {
        // 4 → 2 with BOX: each output is the mean of two inputs, rounded half up by the 2^21 bias: (0+10)/2 = 5, (20+30)/2 = 25.
        var row = PilResize.Resize(new byte[] { 0, 10, 20, 30 }, 4, 1, 1, 2, 1, PilFilter.Box);
        Assert.Equal(new byte[] { 5, 25 }, row);
        // Same size and full box: an unchanged copy, not the same array.
        var copy = PilResize.Resize(Grey4x3, 4, 3, 1, 4, 3);
        Assert.Equal(Grey4x3, copy);
        Assert.NotSame(Grey4x3, copy);
        // An integral box of the output size is a crop.
        Assert.Equal(new byte[] { 50, 60, 90, 100 }, PilResize.Resize(Grey4x3, 4, 3, 1, 2, 2, PilFilter.Lanczos, new PilBox(1, 1, 3, 3)));
    }

    [Fact]
    public void PilResize_VolumeGeometryKeepsPhysicalExtent()
    {
        var g = new ImageGeometry(new Vector3d(10, 20, 30), new Vector3d(0.5, 0.25, 2), Matrix3d.Identity, AnatomicalFrame.Lps);
        var v = new Volume(new VolumeShape(4, 3), (byte[])Grey4x3.Clone(), g);
        var r = PilResize.Resize(v, 2, 6, PilFilter.Bilinear);
        Assert.Equal(new Vector3d(1.0, 0.125, 2), r.Geometry.Spacing);
        // First output pixel centre: input x = 0 + 0.5·2 − 0.5 = 0.5, y = 0.5·0.5 − 0.5 = −0.25.
        Assert.True(r.Geometry.Origin.MaxAbsDifference(new Vector3d(10 + 0.5 * 0.5, 20 - 0.25 * 0.25, 30)) < 1e-12);
    }

    [Fact]
    public void SkimageResize_RejectsBadRequests()
    {
        var img = new double[12];
        Assert.Contains("range 0-5", Assert.Throws<ImageTransformException>(() => SkimageResize.Resize(img, 3, 4, 1, 2, 2, new SkimageResizeOptions { Order = 6 })).Message);
        Assert.Contains("needs 12 values, found 11", Assert.Throws<ImageTransformException>(() => SkimageResize.Resize(img.AsSpan(1), 3, 4, 1, 2, 2)).Message);
        Assert.Throws<ImageTransformException>(() => SkimageResize.Resize(img, 3, 4, 1, 0, 2));
        Assert.Contains("greater than or equal to zero", Assert.Throws<ImageTransformException>(() =>
            SkimageResize.Resize(img, 3, 4, 1, 2, 2, new SkimageResizeOptions { AntiAliasing = true, AntiAliasingSigma = [-1.0] })).Message);
        Assert.Throws<ImageTransformException>(() =>
            SkimageResize.Resize(img, 3, 4, 1, 2, 2, new SkimageResizeOptions { AntiAliasing = true, AntiAliasingSigma = [1.0, 1.0, 1.0] }));
        Assert.Throws<ImageTransformException>(() => SkimageResize.Resize(img, 3, 4, 1, 2, 2, new SkimageResizeOptions { Mode = (SkimageMode)17 }));
    }

    [Fact]
    public void SkimageResize_Order0UpscaleByTwo_RepeatsSamples()
    {
        // grid_mode zoom by 2: output k reads input floor((k + 0.5)/2 − 0.25 + 0.5) = k / 2.
        var r = SkimageResize.Resize(new double[] { 1, 2, 3 }, 1, 3, 1, 1, 6, new SkimageResizeOptions { Order = 0 });
        Assert.Equal(new double[] { 1, 1, 2, 2, 3, 3 }, r);
    }

    [Fact]
    public void SkimageResize_Uint8WithoutPreserveRange_ScalesByOneOver255()
    {
        var r = SkimageResize.Resize(new byte[] { 0, 255, 51, 102 }, 2, 2, 1, 2, 2, new SkimageResizeOptions { Order = 1 });
        Assert.Equal(new[] { 0.0, 1.0, 51 * (1.0 / 255), 102 * (1.0 / 255) }, r);
    }

    [Fact]
    public void IntensityOps_AsUInt8_FollowsNumpyCasts()
    {
        // numpy 1.24: np.array([...]).astype(np.uint8) on x86-64.
        double[] v = [0.0, 0.999, 254.9999, 255.0, 255.7, 256.0, -0.5, -1.0, double.NaN, 1e10, -300.2, 511.5];
        Assert.Equal(new byte[] { 0, 0, 254, 255, 255, 0, 0, 255, 0, 0, 212, 255 }, IntensityOps.AsUInt8(v));
    }

    [Fact]
    public void IntensityOps_MinMaxScale_HandlesFlatImages()
    {
        Assert.Equal(new[] { 0.0, 0.5, 1.0 }, IntensityOps.MinMaxScale(new byte[] { 2, 4, 6 }));
        Assert.Equal(new[] { 0.0, 0.0 }, IntensityOps.MinMaxScale(new byte[] { 7, 7 }));
        Assert.Throws<ImageTransformException>(() => IntensityOps.MinMaxScale(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void ImageTensor_ChecksItsShape()
    {
        Assert.Throws<ImageTransformException>(() => new ImageTensor(new float[5], 1, 2, 3));
        var t = new ImageTensor(new float[6] { 0, 1, 2, 3, 4, 5 }, 1, 2, 3);
        Assert.Equal(5f, t[0, 1, 2]);
    }
}
