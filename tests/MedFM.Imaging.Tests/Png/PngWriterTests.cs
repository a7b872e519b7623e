using MedFM.Imaging;
using MedFM.Imaging.Png;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests.Png;

public class PngWriterTests
{
    public static TheoryData<int, int, PngFilter> Cases()
    {
        var d = new TheoryData<int, int, PngFilter>();
        foreach (int c in new[] { 1, 2, 3, 4 })
            foreach (int depth in new[] { 8, 16 })
                foreach (var f in new[] { PngFilter.None, PngFilter.Sub, PngFilter.Up, PngFilter.Average, PngFilter.Paeth, PngFilter.Adaptive })
                    d.Add(c, depth, f);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RoundTrip_EveryChannelCountDepthAndFilter(int channels, int depth, PngFilter filter)
    {
        var rng = new Random(channels * 100 + depth + (int)filter);
        var shape = new VolumeShape(17, 6, 1, channels);
        Array data = depth == 8 ? new byte[shape.ElementCount] : new ushort[shape.ElementCount];
        for (int i = 0; i < data.Length; i++)
        {
            // A smooth ramp plus noise: the filters see real structure.
            int v = (i * 7 + rng.Next(0, 9)) % (depth == 8 ? 256 : 65536);
            if (data is byte[] b) b[i] = (byte)v; else ((ushort[])data)[i] = (ushort)(v * 251);
        }
        var img = new Volume(shape, data);
        var bytes = PngWriter.ToBytes(img, new PngWriteOptions { Filter = filter });
        var back = PngReader.Read(bytes);
        Assert.Equal(img.Shape, back.Shape);
        Assert.Equal(img.GetBytes().ToArray(), back.GetBytes().ToArray());
    }

    [Fact]
    public void RealImage_RoundTripsThroughAFile()
    {
        var src = PngReader.Read(RepoPaths.TestData("skimage/astronaut.png"));
        var dir = Directory.CreateTempSubdirectory("medfm-png-").FullName;
        try
        {
            var path = Path.Combine(dir, "out.png");
            PngWriter.Write(src, path);
            Assert.Equal(src.GetBytes().ToArray(), PngReader.Read(path).GetBytes().ToArray());
            Assert.Single(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void RejectsWhatPngCannotHold()
    {
        Assert.Throws<VoxelTypeMismatchException>(() => PngWriter.ToBytes(new Volume(new VolumeShape(2, 2), new float[4])));
        Assert.Throws<VolumeShapeException>(() => PngWriter.ToBytes(new Volume(new VolumeShape(2, 2, 2), new byte[8])));
    }
}

public class PngPaethTests
{
    [Fact]
    public void Paeth_EqualsTheSpecificationFormula_ForEveryInput()
    {
        // PNG specification §9.4, written as there: p = a + b − c; nearest of a, b, c to p, ties a then b.
        for (int a = 0; a < 256; a++)
            for (int b = 0; b < 256; b++)
                for (int c = 0; c < 256; c++)
                {
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    int expected = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    if (PngFilters.Paeth(a, b, c) != expected) Assert.Fail($"Paeth({a}, {b}, {c}) = {PngFilters.Paeth(a, b, c)}, expected {expected}");
                }
    }
}
