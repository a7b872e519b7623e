using MedFM.Imaging.Conversion;
using MedFM.Imaging.IO;
using MedFM.Imaging.Png;
using MedFM.Imaging.Tests.Dicom;
using Xunit;

namespace MedFM.Imaging.Tests.Conversion;

/// <summary>
/// The library side of `medfm convert`: output kinds by name, PNG sample choice (stored, explicit window, min–max) on
/// hand-made volumes, slice files of a 4-D volume, and the all-or-nothing folder writer (failure, refusal, merge).
/// </summary>
public sealed class ImageConverterTests : IDisposable
{
    private readonly TempDir _dir = new("medfm-convert");
    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("ct.nii.gz", ConvertTarget.Nifti)]
    [InlineData("CT.NII", ConvertTarget.Nifti)]
    [InlineData("pair.hdr", ConvertTarget.Nifti)]
    [InlineData("slice.png", ConvertTarget.Png)]
    [InlineData("slices", ConvertTarget.PngFolder)]
    [InlineData("slices/", ConvertTarget.PngFolder)]
    public void TargetOf_FollowsTheName(string name, ConvertTarget expected) => Assert.Equal(expected, ImageConverter.TargetOf(name));

    [Fact]
    public void PngSamples_StoredWindowOrMinMax()
    {
        var bytes = new Volume(3, 1, 1, new byte[] { 0, 7, 255 });
        var (same, none) = ImageConverter.ToPngSamples(bytes, [], null);
        Assert.Same(bytes, same);
        Assert.Null(none);

        // int16 -1000..1000: min–max maps -1000 → 0, 0 → 127.5 → 128 (half away from zero), 1000 → 255.
        var hu = new Volume(3, 1, 1, new short[] { -1000, 0, 1000 });
        var (mm, w) = ImageConverter.ToPngSamples(hu, [], null);
        Assert.Equal(new byte[] { 0, 128, 255 }, mm.GetData<byte>().ToArray());
        Assert.Equal(("min-max", 0.0, 2000.0), (w!.Value.Name, w.Value.Level, w.Value.Width));

        // The file's window wins over min–max; an explicit window over both: brain L40/W80 → [0, 80].
        var (file, fw) = ImageConverter.ToPngSamples(hu, [new WindowPreset("F", 0, 1000)], null);
        Assert.Equal(new byte[] { 0, 128, 255 }, file.GetData<byte>().ToArray());
        Assert.Equal("F", fw!.Value.Name);
        var brain = new Volume(4, 1, 1, new float[] { -5, 20, 40, 100 });
        var (b, _) = ImageConverter.ToPngSamples(brain, [new WindowPreset("F", 0, 1000)], WindowPreset.Brain);
        Assert.Equal(new byte[] { 0, 64, 128, 255 }, b.GetData<byte>().ToArray());
    }

    [Fact]
    public void PngSlices_OfA4DVolume_AreNamedByFrameAndSlice_AndHoldTheirVoxels()
    {
        var shape = new VolumeShape(2, 2, 3, frames: 2);
        var data = new ushort[shape.ElementCount];
        for (int n = 0; n < data.Length; n++) data[n] = (ushort)(n * 1000);
        var folder = _dir.File("slices");
        var names = ImageConverter.WritePngSlices(new Volume(shape, data), folder);
        Assert.Equal(["frame_00_slice_0000.png", "frame_00_slice_0001.png", "frame_00_slice_0002.png",
                      "frame_01_slice_0000.png", "frame_01_slice_0001.png", "frame_01_slice_0002.png"], names);
        // Frame 1, slice 2 starts at element (1·3 + 2)·4 = 20.
        var png = PngReader.Read(Path.Combine(folder, "frame_01_slice_0002.png"));
        Assert.Equal(new ushort[] { 20000, 21000, 22000, 23000 }, png.GetData<ushort>().ToArray());
    }

    [Fact]
    public void AtomicFolder_FailureLeavesNothing_NonEmptyIsRefused_MergeReplacesByName()
    {
        var target = _dir.File("out");
        Assert.Throws<InvalidOperationException>(() => AtomicFolder.Write(target, staging =>
        {
            File.WriteAllText(Path.Combine(staging, "a.txt"), "partial");
            throw new InvalidOperationException("writer failed");
        }));
        Assert.False(Directory.Exists(target));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));

        AtomicFolder.Write(target, s => File.WriteAllText(Path.Combine(s, "a.txt"), "first"));
        Assert.Equal("first", File.ReadAllText(Path.Combine(target, "a.txt")));
        var refused = Assert.Throws<IOException>(() => AtomicFolder.Write(target, s => File.WriteAllText(Path.Combine(s, "b.txt"), "x")));
        Assert.Contains("not empty", refused.Message);

        AtomicFolder.Write(target, s =>
        {
            File.WriteAllText(Path.Combine(s, "a.txt"), "second");
            Directory.CreateDirectory(Path.Combine(s, "sub"));
            File.WriteAllText(Path.Combine(s, "sub", "c.txt"), "nested");
        }, mergeIntoExisting: true);
        Assert.Equal("second", File.ReadAllText(Path.Combine(target, "a.txt")));
        Assert.Equal("nested", File.ReadAllText(Path.Combine(target, "sub", "c.txt")));
        Assert.Equal(["out"], Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }
}
