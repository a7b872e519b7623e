using MedFM.Imaging;
using MedFM.Imaging.Geometry;
using MedFM.Imaging.IO;
using MedFM.Imaging.Nifti;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests.Nifti;

public sealed class NiftiWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medfm-nifti-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ImageGeometry Oblique(AnatomicalFrame frame, bool reflect)
    {
        double a = 0.4;
        var rot = new Matrix3d(Math.Cos(a), -Math.Sin(a), 0, Math.Sin(a), Math.Cos(a), 0, 0, 0, 1);
        var dir = reflect ? rot * Matrix3d.Diagonal(new Vector3d(1, 1, -1)) : rot;
        return new ImageGeometry(new Vector3d(-90.5, 12.25, 40), new Vector3d(0.9, 1.1, 2.5), dir, frame);
    }

    private static void AssertSameVolume(Volume expected, Volume actual, double affineTol = 1e-4)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.VoxelType, actual.VoxelType);
        Assert.Equal(expected.GetBytes().ToArray(), actual.GetBytes().ToArray());
        var e = expected.Geometry.InFrame(AnatomicalFrame.Ras).Affine;
        Assert.True(e.MaxAbsDifference(actual.Geometry.Affine) < affineTol, $"{e} vs {actual.Geometry.Affine}");
    }

    [Theory]
    [InlineData("a.nii", false)]
    [InlineData("a.nii.gz", false)]
    [InlineData("a.nii", true)]
    [InlineData("a.hdr", false)]
    public void RoundTrip_RealVolume_KeepsVoxelsAndAffine(string name, bool bigEndian)
    {
        var v = NiftiReader.ReadVolume(RepoPaths.TestData("nibabel/example4d.nii.gz"));
        var path = Path.Combine(_dir, name);
        NiftiWriter.Write(v, path, new NiftiWriteOptions { BigEndian = bigEndian });
        var back = NiftiReader.Read(path);
        Assert.Equal(bigEndian, back.Header.BigEndian);
        AssertSameVolume(v, back.Volume);
        // No temporary files are left behind: one file, or two for a pair.
        Assert.Equal(name.EndsWith(".hdr") ? 2 : 1, Directory.GetFiles(_dir).Length);
    }

    [Theory]
    [InlineData(AnatomicalFrame.Lps, false)]
    [InlineData(AnatomicalFrame.Lps, true)]
    [InlineData(AnatomicalFrame.Ras, true)]
    public void QformAndSform_BothDescribeARigidGeometry(AnatomicalFrame frame, bool reflect)
    {
        var shape = new VolumeShape(5, 4, 3);
        var data = new float[shape.ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = i * 0.5f - 3;
        var v = new Volume(shape, data, Oblique(frame, reflect));
        var path = Path.Combine(_dir, "q.nii.gz");
        NiftiWriter.Write(v, path);
        var back = NiftiReader.Read(path);
        AssertSameVolume(v, back.Volume);
        var h = back.Header;
        Assert.Equal((1, 1), (h.QformCode, h.SformCode));
        // LPS → RAS negates two rows, which keeps the determinant's sign: qfac follows the reflection only.
        Assert.Equal(reflect ? -1 : 1, h.PixDim[0]);
        // The qform alone reproduces the same affine (to float32 precision).
        Assert.True(NiftiTransforms.Qform(h).MaxAbsDifference(NiftiTransforms.Sform(h)) < 1e-4);
    }

    [Fact]
    public void LabelVolume_RoundTripsAsLabel_WithSourceGeometry()
    {
        var src = NiftiReader.ReadVolume(RepoPaths.TestData("itk/KmeansTest_T1KmeansPrelimSegmentation.nii.gz"));
        var labels = LabelVolume.FromVolume(src);
        var path = Path.Combine(_dir, "labels.nii.gz");
        NiftiWriter.Write(labels, path);
        var back = NiftiReader.Read(path);
        Assert.IsType<LabelVolume>(back.Volume);
        Assert.Equal(NiftiWriter.IntentLabel, back.Header.IntentCode);
        Assert.Equal(NiftiDataType.UInt8, back.Header.DataType);
        AssertSameVolume(labels, back.Volume);
        var wide = new LabelVolume(new VolumeShape(3, 2, 1), new ushort[] { 0, 1, 300, 2, 65535, 7 }, src.Geometry);
        NiftiWriter.Write(wide, path);
        var w = NiftiReader.Read(path);
        Assert.Equal(NiftiDataType.UInt16, w.Header.DataType);
        AssertSameVolume(wide, w.Volume);
    }

    [Fact]
    public void Nifti2_AndRgb_RoundTrip()
    {
        var rgb = NiftiReader.ReadVolume(NiftiFixtures.Path("rgb24.nii"));
        var p1 = Path.Combine(_dir, "rgb.nii");
        NiftiWriter.Write(rgb, p1, new NiftiWriteOptions { Version = 2 });
        var back = NiftiReader.Read(p1);
        Assert.Equal(2, back.Header.Version);
        Assert.Equal(NiftiDataType.Rgb24, back.Header.DataType);
        AssertSameVolume(rgb, back.Volume);
    }

    [Fact]
    public void EveryVoxelType_RoundTrips()
    {
        foreach (VoxelType t in Enum.GetValues<VoxelType>())
        {
            var v = Volume.Allocate(new VolumeShape(3, 2, 2, frames: 2), t, Oblique(AnatomicalFrame.Ras, false));
            for (int i = 0; i < 3; i++) v.SetValue(i, 1, 1, 100 - 40 * i, t: 1);
            var bytes = NiftiWriter.ToBytes(v, gzip: true);
            var back = NiftiReader.Read(bytes, "mem.nii.gz").Volume;
            AssertSameVolume(v, back);
        }
    }

    [Fact]
    public void UnknownGeometry_IsWrittenWithZeroCodes()
    {
        var v = new Volume(new VolumeShape(2, 2, 1), new byte[] { 1, 2, 3, 4 });
        var back = NiftiReader.Read(NiftiWriter.ToBytes(v, gzip: false));
        Assert.Equal((0, 0), (back.Header.QformCode, back.Header.SformCode));
        Assert.Equal(v.GetBytes().ToArray(), back.Volume.GetBytes().ToArray());
    }

    [Fact]
    public void AtomicFile_LeavesNothingWhenTheWriterFails()
    {
        var path = Path.Combine(_dir, "x.nii");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100]);
            throw new InvalidOperationException("disk full");
        }));
        Assert.Empty(Directory.GetFiles(_dir));
        var v = new Volume(new VolumeShape(2, 1, 1), new byte[] { 1, 2 });
        NiftiWriter.Write(v, path);
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir));
    }
}
