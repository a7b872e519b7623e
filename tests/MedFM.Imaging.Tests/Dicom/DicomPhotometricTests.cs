using MedFM.Imaging.Dicom;
using MedFM.Imaging.Jpeg;
using MedFM.Imaging.Png;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// Photometric interpretations against dcmtk's renderer (dcm2pnm/dcmj2pnm output as PGM/PPM) and the raster readers:
/// MONOCHROME1 inversion, YBR_FULL and YBR_FULL_422 to RGB, PALETTE COLOR through 16-bit lookup tables, JPEG
/// baseline colour from a real photograph (img2dcm), RGB from a real PNG (through a BMP for img2dcm).
/// </summary>
public sealed class DicomPhotometricTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private static void AssertClose(int[] expected, long[] actual, int tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, (int)Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= tolerance, $"{what}: largest difference {worst} > {tolerance}");
    }

    [Fact]
    public void Monochrome1_IsInverted_AsDcm2pnmShowsIt()
    {
        var c = new PixelCase("mono1", 16, 20, 8, 8, false, Photometric: "MONOCHROME1").Generate();
        var path = c.Write(_dir.Path);
        var pnm = DcmtkTools.RenderPnm(path, _dir.File("mono1.pgm"));
        var image = DicomImageReader.Read(path);
        Assert.Equal("MONOCHROME2", image.OutputPhotometric);
        Assert.Equal(c.Expected.Select(v => 255 - v), DicomPixelTests.Values(image.Volume)); // hand-worked: 2^8 - 1 - v
        AssertClose(pnm.Samples, DicomPixelTests.Values(image.Volume), 1, "MONOCHROME1 vs dcm2pnm"); // dcmtk's display LUT rounds
        var kept = DicomImageReader.Read(path, new DicomReadOptions { InvertMonochrome1 = false });
        Assert.Equal(c.Expected, DicomPixelTests.Values(kept.Volume));
    }

    [Fact]
    public void YbrFull_AndYbrFull422_BecomeRgb_AsDcm2pnm()
    {
        var full = new PixelCase("ybr", 16, 18, 8, 8, false, 3, 0, 1, "YBR_FULL").Generate();
        full.Raw[0] = 100; full.Raw[1] = 128; full.Raw[2] = 200;   // hand-worked below
        full.Raw[3] = 128; full.Raw[4] = 128; full.Raw[5] = 128;   // neutral grey stays grey
        var path = full.Write(_dir.Path);
        var pnm = DcmtkTools.RenderPnm(path, _dir.File("ybr.ppm"));
        var image = DicomImageReader.Read(path);
        Assert.Equal("RGB", image.OutputPhotometric);
        var rgb = DicomPixelTests.Values(image.Volume);
        // R = Y + 1.402 (Cr - 128) = 200.94, G = Y - 0.714136 (Cr - 128) = 48.58, B = Y + 1.772 (Cb - 128) = 100
        Assert.Equal(new long[] { 201, 49, 100, 128, 128, 128 }, rgb[..6]);
        AssertClose(pnm.Samples, rgb, 2, "YBR_FULL vs dcm2pnm"); // dcmtk converts with integer approximations

        // YBR_FULL_422: each pair of pixels stored as Y1 Y2 Cb Cr.
        int rows = 12, cols = 16;
        var raw = new byte[rows * cols * 2];
        new Random(3).NextBytes(raw);
        var d = DumpBuilder.Image("1.2.826.0.1.3680043.2.1125.8.422", "1.2.826.0.1.3680043.2.1125.8", "=SecondaryCaptureImageStorage", "OT")
            .Pixels(rows, cols, 8, 8, false, "YBR_FULL_422", 3, 0);
        var p422 = d.Write(_dir.Path, "ybr422.dcm", raw, words: false);
        var pnm422 = DcmtkTools.RenderPnm(p422, _dir.File("ybr422.ppm"));
        var image422 = DicomImageReader.Read(p422);
        AssertClose(pnm422.Samples, DicomPixelTests.Values(image422.Volume), 2, "YBR_FULL_422 vs dcm2pnm");
    }

    [Fact]
    public void PaletteColor_With16BitLut_AsDcm2pnm()
    {
        int rows = 10, cols = 14, entries = 200, first = 10;
        var indices = new byte[rows * cols];
        var rng = new Random(5);
        for (int i = 0; i < indices.Length; i++) indices[i] = (byte)rng.Next(0, 230); // some below first, some past the table
        string Lut(Func<int, int> f) => string.Join('\\', Enumerable.Range(0, entries).Select(i => f(i).ToString("x4", System.Globalization.CultureInfo.InvariantCulture))); // dump2dcm reads OW in hex
        var d = DumpBuilder.Image("1.2.826.0.1.3680043.2.1125.8.9", "1.2.826.0.1.3680043.2.1125.8", "=SecondaryCaptureImageStorage", "OT")
            .Pixels(rows, cols, 8, 8, false, "PALETTE COLOR")
            .Add("0028,1101", "US", $"{entries}\\{first}\\16").Add("0028,1102", "US", $"{entries}\\{first}\\16").Add("0028,1103", "US", $"{entries}\\{first}\\16")
            .Add("0028,1201", "OW", Lut(i => i * 300)).Add("0028,1202", "OW", Lut(i => 65535 - i * 250)).Add("0028,1203", "OW", Lut(i => (i * 7919) % 65536));
        var path = d.Write(_dir.Path, "palette.dcm", indices, words: false);
        var image = DicomImageReader.Read(path);
        Assert.Equal(VoxelType.UInt16, image.Volume.VoxelType);
        var rgb = image.Volume.GetData<ushort>();
        // Hand-worked: index = clamp(v - first, 0, entries - 1).
        int k = Math.Clamp(indices[7] - first, 0, entries - 1);
        Assert.Equal((ushort)(k * 300), rgb[7 * 3]);
        Assert.Equal((ushort)(65535 - k * 250), rgb[7 * 3 + 1]);
        var pnm = DcmtkTools.RenderPnm(path, _dir.File("palette.ppm"));
        AssertClose(pnm.Samples, DicomPixelTests.Values(image.Volume).Select(x => x >> 8).ToArray(), 1, "PALETTE COLOR");
    }

    [Fact]
    public void JpegBaselineFromAPhotograph_MatchesDcmtkAndTheJpegReader()
    {
        var jpg = RepoPaths.TestData("skimage/rocket.jpg");
        var dcm = _dir.File("rocket.dcm");
        DcmtkTools.Run("img2dcm", jpg, dcm);
        var image = DicomImageReader.Read(dcm);
        Assert.Equal(TransferSyntax.JpegBaseline.Uid, image.File.TransferSyntax.Uid);
        Assert.Equal("RGB", image.OutputPhotometric);
        var pnm = DcmtkTools.Run("dcmj2pnm", dcm, _dir.File("rocket.ppm"));
        var rendered = Pnm.Read(_dir.File("rocket.ppm"));
        var ours = DicomPixelTests.Values(image.Volume);
        AssertClose(rendered.Samples, ours, 2, "JPEG baseline vs dcmj2pnm");
        var reference = JpegReader.Read(jpg);
        Assert.Equal(reference.Shape, image.Volume.Shape);
        AssertClose(reference.GetData<byte>().ToArray().Select(x => (int)x).ToArray(), ours, 2, "JPEG baseline vs the managed JPEG reader");
    }

    [Fact]
    public void RgbFromAPng_ThroughImg2dcm_IsExact()
    {
        var png = PngReader.Read(RepoPaths.TestData("skimage/chelsea.png"));
        Assert.Equal(3, png.Components);
        var bmp = _dir.File("chelsea.bmp");
        WriteBmp24(bmp, png);
        var dcm = _dir.File("chelsea.dcm");
        DcmtkTools.Run("img2dcm", "-i", "BMP", bmp, dcm);
        var image = DicomImageReader.Read(dcm);
        Assert.Equal(png.Shape, image.Volume.Shape);
        Assert.Equal(png.GetData<byte>().ToArray(), image.Volume.GetData<byte>().ToArray());
    }

    /// <summary>A bottom-up 24-bit BMP (BGR rows padded to 4 bytes).</summary>
    private static void WriteBmp24(string path, Volume rgb)
    {
        int w = rgb.Width, h = rgb.Height, stride = (w * 3 + 3) & ~3;
        var b = new byte[54 + stride * h];
        "BM"u8.CopyTo(b);
        BitConverter.TryWriteBytes(b.AsSpan(2), b.Length);
        BitConverter.TryWriteBytes(b.AsSpan(10), 54);
        BitConverter.TryWriteBytes(b.AsSpan(14), 40);
        BitConverter.TryWriteBytes(b.AsSpan(18), w);
        BitConverter.TryWriteBytes(b.AsSpan(22), h);
        BitConverter.TryWriteBytes(b.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(b.AsSpan(28), (short)24);
        BitConverter.TryWriteBytes(b.AsSpan(34), stride * h);
        var px = rgb.GetData<byte>();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                    b[54 + (h - 1 - y) * stride + x * 3 + (2 - c)] = px[(y * w + x) * 3 + c];
        File.WriteAllBytes(path, b);
    }
}
