using MedFM.Imaging;
using MedFM.Imaging.Overlay;
using MedFM.Imaging.Png;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests.Overlay;

public class OverlayRendererTests
{
    [Fact]
    public void FillAndContour_MatchHandComputedPixels()
    {
        // 5×5 grey 100 image, label 2 on the 3×3 centre: its border ring is contour, its centre pixel is filled.
        var img = new Volume(new VolumeShape(5, 5), Enumerable.Repeat((byte)100, 25).ToArray());
        var mask = new byte[25];
        for (int y = 1; y <= 3; y++) for (int x = 1; x <= 3; x++) mask[y * 5 + x] = 2;
        var o = OverlayRenderer.Render(img, new Volume(new VolumeShape(5, 5), mask), new OverlayOptions { FillOpacity = 0.5 });
        Assert.Equal((VoxelType.UInt8, 3), (o.VoxelType, o.Components));
        var c = LabelPalette.Default.ColorOf(2); // (255, 127, 14)
        Assert.Equal((255, 127, 14), ((int)c.R, (int)c.G, (int)c.B));
        // Centre: round(0.5·100 + 0.5·colour) = 178, 114, 57 (half-up).
        Assert.Equal(new float[] { 178, 114, 57 }, Pixel(o, 2, 2));
        Assert.Equal(new float[] { 255, 127, 14 }, Pixel(o, 1, 1)); // contour: solid
        Assert.Equal(new float[] { 100, 100, 100 }, Pixel(o, 0, 0)); // background untouched
    }

    [Fact]
    public void ColoursAreStable_WhateverOtherLabelsArePresent()
    {
        var img = new Volume(new VolumeShape(3, 1), new byte[] { 0, 0, 0 });
        var o1 = OverlayRenderer.Render(img, new Volume(new VolumeShape(3, 1), new byte[] { 7, 0, 0 }), new OverlayOptions { FillOpacity = 1 });
        var o2 = OverlayRenderer.Render(img, new Volume(new VolumeShape(3, 1), new byte[] { 7, 1, 30 }), new OverlayOptions { FillOpacity = 1 });
        Assert.Equal(Pixel(o1, 0, 0), Pixel(o2, 0, 0));
        Assert.NotEqual(LabelPalette.Default.ColorOf(30), LabelPalette.Default.ColorOf(31));
        Assert.Equal(LabelPalette.Default.ColorOf(57), LabelPalette.Default.ColorOf(57));
    }

    [Fact]
    public void NonByteImage_IsScaledOrWindowed_AndPngIsWritten()
    {
        var ct = new Volume(new VolumeShape(4, 1), new short[] { -1000, -160, 40, 240 });
        var none = new Volume(new VolumeShape(4, 1), new byte[4]);
        var scaled = OverlayRenderer.Render(ct, none);
        Assert.Equal(new float[] { 0, 0, 0 }, Pixel(scaled, 0, 0));
        Assert.Equal(new float[] { 255, 255, 255 }, Pixel(scaled, 3, 0));
        var windowed = OverlayRenderer.Render(ct, none, new OverlayOptions { Window = WindowPreset.SoftTissue });
        Assert.Equal(new float[] { 128, 128, 128 }, Pixel(windowed, 2, 0));
        var dir = Directory.CreateTempSubdirectory("medfm-overlay-").FullName;
        try
        {
            var path = Path.Combine(dir, "o.png");
            var slice = PngReader.Read(RepoPaths.TestData("itk/BrainProtonDensitySlice.png")); // palette → RGB
            var labels = PngReader.Read(RepoPaths.TestData("itk/BrainProtonDensitySliceBorder20Mask.png")); // 1-bit → 0/255
            var cropped = labels.Crop(20, 20, 0, slice.Width, slice.Height, 1);
            OverlayRenderer.WritePng(slice, cropped, path);
            var back = PngReader.Read(path);
            Assert.Equal((slice.Width, slice.Height, 3), (back.Width, back.Height, back.Components));
            Assert.Equal(OverlayRenderer.Render(slice, cropped).GetBytes().ToArray(), back.GetBytes().ToArray());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void SizeMismatch_IsRejected() =>
        Assert.Throws<VolumeShapeException>(() => OverlayRenderer.Render(
            new Volume(new VolumeShape(3, 2), new byte[6]), new Volume(new VolumeShape(2, 3), new byte[6])));

    private static float[] Pixel(Volume v, int x, int y) => [v.GetValue(x, y, 0, 0), v.GetValue(x, y, 0, 1), v.GetValue(x, y, 0, 2)];
}
