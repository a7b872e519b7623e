using MedFM.Imaging;
using MedFM.Imaging.Nifti;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests;

public class ImageFileTests
{
    [Theory]
    [InlineData("skimage/camera.png", ImageFormat.Png)]
    [InlineData("skimage/retina.jpg", ImageFormat.Jpeg)]
    [InlineData("nibabel/anatomical.nii", ImageFormat.Nifti)]
    [InlineData("mricron/aal.nii.gz", ImageFormat.NiftiGzip)]
    [InlineData("nibabel/example_nifti2.nii.gz", ImageFormat.NiftiGzip)]
    [InlineData("nibabel/0.dcm", ImageFormat.Dicom)]
    public void Detect_ByMagicBytes(string rel, ImageFormat expected) =>
        Assert.Equal(expected, ImageFile.Detect(RepoPaths.TestData(rel)));

    [Fact]
    public void Read_DispatchesRegardlessOfTheFileName()
    {
        var dir = Directory.CreateTempSubdirectory("medfm-file-").FullName;
        try
        {
            // A PNG named .dat and a gzipped NIfTI named .bin are still found by content.
            var png = Path.Combine(dir, "x.dat");
            File.Copy(RepoPaths.TestData("skimage/camera.png"), png);
            Assert.Equal((512, 512, 1), (ImageFile.Read(png).Width, ImageFile.Read(png).Height, ImageFile.Read(png).Components));
            var nii = Path.Combine(dir, "y.bin");
            File.Copy(RepoPaths.TestData("mricron/aal.nii.gz"), nii);
            Assert.Equal(NiftiReader.ReadVolume(RepoPaths.TestData("mricron/aal.nii.gz")).GetBytes().ToArray(), ImageFile.Read(nii).GetBytes().ToArray());
            Assert.Equal(ImageFormat.Nifti, ImageFile.Detect(RepoPaths.Fixture("imaging/nifti/pair.img")));
            Assert.Equal(4, ImageFile.Read(RepoPaths.Fixture("imaging/nifti/pair.img")).Width);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void UnknownContent_IsATypedErrorNamingTheFile()
    {
        var path = RepoPaths.TestData("nibabel/README.rst");
        var e = Assert.Throws<UnknownImageFormatException>(() => ImageFile.Read(path));
        Assert.Equal(path, e.FilePath);
        Assert.Throws<UnknownImageFormatException>(() => ImageFile.Read(new byte[] { 1, 2, 3 }, "mem"));
    }

    [Fact]
    public void ReadBytes_CoversSingleFileFormats()
    {
        var jpg = File.ReadAllBytes(RepoPaths.Fixture("imaging/jpeg/base_420.jpg"));
        Assert.Equal(3, ImageFile.Read(jpg).Components);
        var nii = File.ReadAllBytes(RepoPaths.Fixture("imaging/nifti/base_affine.nii.gz"));
        Assert.Equal(VoxelType.Float32, ImageFile.Read(nii).VoxelType);
    }
}
