using System.Security.Cryptography;
using MedFM.Imaging;
using MedFM.Imaging.Geometry;
using MedFM.Imaging.Nifti;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests.Nifti;

public class NiftiReaderTests
{
    public static TheoryData<string> RealFiles => new()
    {
        "mricron/ch2.nii.gz", "mricron/aal.nii.gz",
        "itk/KmeansTest_T1KmeansPrelimSegmentation.nii.gz", "itk/KmeansTest_T1RawSkullStrip.nii.gz",
        "itk/KmeansTest_T1UCharRaw.nii.gz",
        "nibabel/example4d.nii.gz", "nibabel/example_nifti2.nii.gz", "nibabel/anatomical.nii",
        "nibabel/functional.nii", "nibabel/standard.nii.gz",
    };

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void RealFile_MatchesNibabel_ShapeAffineAndEveryByte(string rel)
    {
        var e = NiftiFixtures.Real(rel);
        var img = NiftiReader.Read(RepoPaths.TestData(rel));
        var v = img.Volume;
        NiftiFixtures.AssertShape(e.GetProperty("shape"), v);
        NiftiFixtures.AssertAffine(e.GetProperty("affine"), v.Geometry.Affine);
        Assert.Equal(AnatomicalFrame.Ras, v.Geometry.Frame);
        Assert.Equal(e.GetProperty("axcodes").GetString(), v.Geometry.OrientationCode);
        Assert.Equal(e.GetProperty("qform_code").GetInt32(), img.Header.QformCode);
        Assert.Equal(e.GetProperty("sform_code").GetInt32(), img.Header.SformCode);
        // Every stored voxel: MD5 of the unscaled little-endian array in Fortran order equals ours.
        var raw = NiftiReader.ReadVolume(RepoPaths.TestData(rel), new NiftiReadOptions { ApplyScaling = false });
        Assert.Equal(e.GetProperty("md5_raw_le").GetString(), Convert.ToHexStringLower(MD5.HashData(raw.GetBytes())));
        bool scaled = e.GetProperty("scaled").GetBoolean();
        Assert.Equal(scaled ? VoxelType.Float32 : raw.VoxelType, v.VoxelType);
        double tol = scaled ? 1e-6 : 0; // nibabel scales in float64, we in float32
        var (min, max) = v.MinMax();
        Assert.Equal(e.GetProperty("min").GetDouble(), min, tol * Math.Abs(min));
        Assert.Equal(e.GetProperty("max").GetDouble(), max, tol * Math.Abs(max));
        double sum = e.GetProperty("sum").GetDouble();
        Assert.Equal(sum, v.ToFloat64().Sum(), 1e-6 * Math.Max(1, Math.Abs(sum)));
        NiftiFixtures.AssertSamples(e.GetProperty("samples"), v, tol);
    }

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void RealFile_ClosestCanonical_MatchesNibabel(string rel)
    {
        var e = NiftiFixtures.Real(rel).GetProperty("canonical");
        var c = NiftiReader.ReadVolume(RepoPaths.TestData(rel)).ToCanonical(AnatomicalFrame.Ras);
        NiftiFixtures.AssertShape(e.GetProperty("shape"), c);
        NiftiFixtures.AssertAffine(e.GetProperty("affine"), c.Geometry.Affine);
        NiftiFixtures.AssertSamples(e.GetProperty("samples"), c, c.VoxelType == VoxelType.Float32 ? 1e-6 : 0);
    }

    public static TheoryData<string> SyntheticFiles => new(NiftiFixtures.SyntheticNames);

    [Theory]
    [MemberData(nameof(SyntheticFiles))]
    public void SyntheticFile_MatchesNibabel(string name)
    {
        var e = NiftiFixtures.Synthetic(name);
        var v = NiftiReader.ReadVolume(NiftiFixtures.Path(name));
        NiftiFixtures.AssertShape(e.GetProperty("shape"), v);
        NiftiFixtures.AssertAffine(e.GetProperty("affine"), v.Geometry.Affine);
        var expected = NiftiFixtures.Doubles(e.GetProperty("values"));
        var got = v.ToFloat64();
        Assert.Equal(expected.Length, got.Length);
        bool float32 = v.VoxelType == VoxelType.Float32;
        for (int i = 0; i < got.Length; i++)
            Assert.True(float32 ? Math.Abs(expected[i] - got[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i])) : expected[i] == got[i],
                $"{name} element {i}: expected {expected[i]}, got {got[i]}");
        if (e.TryGetProperty("canonical", out var can))
        {
            var c = v.ToCanonical(AnatomicalFrame.Ras);
            NiftiFixtures.AssertShape(can.GetProperty("shape"), c);
            NiftiFixtures.AssertAffine(can.GetProperty("affine"), c.Geometry.Affine);
            var cv = NiftiFixtures.Doubles(can.GetProperty("values"));
            var cg = c.ToFloat64();
            for (int i = 0; i < cg.Length; i++) Assert.Equal(cv[i], cg[i], 4);
        }
    }

    [Fact]
    public void Scaling_IsAppliedAsFloat32_OrKeptRawOnRequest()
    {
        var path = NiftiFixtures.Path("be_scaled_qform.nii");
        var scaled = NiftiReader.Read(path);
        Assert.True(scaled.Header.BigEndian);
        Assert.Equal(NiftiAffineSource.Qform, scaled.Header.AffineSource);
        Assert.Equal(-1, scaled.Header.PixDim[0]);
        Assert.Equal(VoxelType.Float32, scaled.Volume.VoxelType);
        var raw = NiftiReader.Read(path, new NiftiReadOptions { ApplyScaling = false }).Volume;
        Assert.Equal(VoxelType.Int16, raw.VoxelType);
        Assert.Equal(raw.GetValue(2, 3, 1) * 2.5f - 10f, scaled.Volume.GetValue(2, 3, 1));
    }

    [Theory]
    [InlineData("be_scaled_qform.nii")]
    [InlineData("nifti2_be_4d.nii")]
    [InlineData("type_uint32.nii")]
    [InlineData("rgb24.nii")]
    [InlineData("base_affine.nii.gz")]
    public void AsFloat32_EqualsReadingThenConverting(string name)
    {
        var path = NiftiFixtures.Path(name);
        var direct = NiftiReader.ReadVolume(path, new NiftiReadOptions { AsFloat32 = true });
        var converted = NiftiReader.ReadVolume(path);
        Assert.Equal(VoxelType.Float32, direct.VoxelType);
        Assert.Equal(converted.Shape, direct.Shape);
        Assert.Equal(converted.Geometry, direct.Geometry);
        Assert.Equal(converted.ToFloat32(), direct.GetData<float>().ToArray());
    }

    [Fact]
    public void Types_MapToVoxelTypes()
    {
        Assert.Equal(VoxelType.Int8, NiftiReader.ReadVolume(NiftiFixtures.Path("type_int8.nii")).VoxelType);
        Assert.Equal(VoxelType.UInt32, NiftiReader.ReadVolume(NiftiFixtures.Path("type_uint32.nii")).VoxelType);
        Assert.Equal(VoxelType.Float64, NiftiReader.ReadVolume(NiftiFixtures.Path("type_float64.nii")).VoxelType);
        Assert.Equal(VoxelType.UInt16, NiftiReader.ReadVolume(NiftiFixtures.Path("sform_sheared.nii")).VoxelType);
        var rgb = NiftiReader.ReadVolume(NiftiFixtures.Path("rgb24.nii"));
        Assert.Equal((VoxelType.UInt8, 3), (rgb.VoxelType, rgb.Components));
        var two = NiftiReader.Read(NiftiFixtures.Path("nifti2_be_4d.nii"));
        Assert.Equal((2, true, 3), (two.Header.Version, two.Header.BigEndian, two.Volume.Frames));
    }

    [Fact]
    public void Pair_CanBeOpenedByEitherFile()
    {
        var a = NiftiReader.ReadVolume(NiftiFixtures.Path("pair.hdr"));
        var b = NiftiReader.ReadVolume(NiftiFixtures.Path("pair.img"));
        Assert.Equal(a.GetData<short>().ToArray(), b.GetData<short>().ToArray());
        Assert.True(NiftiReader.Identify(NiftiFixtures.Path("pair.hdr")).IsPair);
    }

    [Fact]
    public void Identify_ReadsHeaderOnly()
    {
        var h = NiftiReader.Identify(RepoPaths.TestData("mricron/ch2.nii.gz"));
        Assert.Equal(new VolumeShape(181, 217, 181), h.Shape);
        Assert.Equal(NiftiDataType.UInt8, h.DataType);
        Assert.Equal(NiftiAffineSource.Sform, h.AffineSource);
    }

    [Fact]
    public void BaseAffine_UsedWhenBothCodesAreZero()
    {
        var h = NiftiReader.Identify(NiftiFixtures.Path("base_affine.nii.gz"));
        Assert.Equal(NiftiAffineSource.Base, h.AffineSource);
        // nibabel shape_zoom_affine for shape (3,4,5), zooms (2,3,4): diag(-2,3,4), translation (2,-4.5,-8).
        var a = h.Affine;
        Assert.Equal((-2.0, 3.0, 4.0), (a[0, 0], a[1, 1], a[2, 2]));
        Assert.Equal((2.0, -4.5, -8.0), (a[0, 3], a[1, 3], a[2, 3]));
    }
}
