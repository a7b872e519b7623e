using System.Buffers.Binary;
using System.IO.Compression;
using MedFM.Imaging;
using MedFM.Imaging.Nifti;
using Xunit;

namespace MedFM.Imaging.Tests.Nifti;

public class NiftiBadInputTests
{
    private static byte[] Valid() => File.ReadAllBytes(NiftiFixtures.Path("type_int32.nii"));

    private static NiftiFormatException Fails(byte[] bytes)
    {
        var e = Assert.ThrowsAny<ImageFormatException>(() => NiftiReader.Read(bytes, "bad.nii"));
        Assert.Equal("bad.nii", e.FilePath);
        return Assert.IsAssignableFrom<NiftiFormatException>(e);
    }

    [Fact]
    public void WrongSizeofHdr_NamesOffsetZero()
    {
        var b = Valid();
        BinaryPrimitives.WriteInt32LittleEndian(b, 349);
        var e = Fails(b);
        Assert.Equal(0, e.Offset);
        Assert.Contains("349", e.Message);
    }

    [Fact]
    public void TruncatedHeader_AndTruncatedData()
    {
        Assert.Equal(100, Fails(Valid()[..100]).Offset);
        var e = Fails(Valid()[..360]);
        Assert.Equal(352, e.Offset); // the claimed data does not fit in the file: rejected before reading
        // Compressed, the size is not known in advance: the read itself finds the end.
        var g = Assert.IsType<NiftiFormatException>(Assert.ThrowsAny<ImageFormatException>(() => NiftiReader.Read(Gzip(Valid()[..360]), "t.nii.gz")));
        Assert.Equal(360, g.Offset);
        Assert.Contains("ends after 8 of 96 bytes", g.Message);
    }

    [Fact]
    public void HostileDimensions_AreRejectedBeforeAllocation()
    {
        var b = Valid();
        for (int i = 1; i <= 4; i++) BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(40 + 2 * i), 32767);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(40), 4);
        var e = Fails(b);
        Assert.Equal(40, e.Offset);
        // Fewer elements (10^9, allocatable), still far more than the file holds.
        for (int i = 1; i <= 3; i++) BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(40 + 2 * i), 1000);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(48), 1);
        Assert.Contains("file can hold at most", Fails(b).Message);
    }

    [Fact]
    public void HostileDimensions_InGzip_AreBoundedByTheDeflateRatio()
    {
        var b = Valid();
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(42), 30000);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(44), 30000);
        var gz = Gzip(b);
        var e = Assert.IsType<NiftiFormatException>(Assert.ThrowsAny<ImageFormatException>(() => NiftiReader.Read(gz, "bad.nii.gz")));
        Assert.Contains("file can hold at most", e.Message);
    }

    [Fact]
    public void BadDimCountDatatypeAndBitpix()
    {
        var b = Valid();
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(40), 9);
        Assert.Equal(40, Fails(b).Offset);
        b = Valid();
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(44), 0);
        Assert.Equal(44, Fails(b).Offset);
        b = Valid();
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(70), 3);
        Assert.Equal(70, Fails(b).Offset);
        b = Valid();
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(72), 16);
        Assert.Equal(72, Fails(b).Offset);
        b = Valid();
        b[345] = (byte)'x';
        Assert.Equal(344, Fails(b).Offset);
    }

    [Fact]
    public void UnsupportedDatatype_IsTyped()
    {
        var b = Valid();
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(70), 32); // complex64
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(72), 64);
        var e = Assert.ThrowsAny<ImageFormatException>(() => NiftiReader.Read(b, "c.nii"));
        Assert.IsType<UnsupportedImageFeatureException>(e);
        Assert.Equal(70, e.Offset);
    }

    [Fact]
    public void CorruptGzip_IsTyped()
    {
        var gz = Gzip(Valid());
        for (int i = 20; i < gz.Length - 8; i += 3) gz[i] ^= 0x5A;
        Assert.ThrowsAny<ImageFormatException>(() => NiftiReader.Read(gz, "bad.nii.gz"));
    }

    [Fact]
    public void PairWithoutImage_IsTyped()
    {
        var dir = Directory.CreateTempSubdirectory("medfm-nifti-").FullName;
        try
        {
            var hdr = Path.Combine(dir, "lonely.hdr");
            File.Copy(NiftiFixtures.Path("pair.hdr"), hdr);
            var e = Assert.Throws<NiftiFormatException>(() => NiftiReader.Read(hdr));
            Assert.Equal(hdr, e.FilePath);
        }
        finally { Directory.Delete(dir, true); }
    }

    private static byte[] Gzip(byte[] b)
    {
        using var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(b);
        return ms.ToArray();
    }
}
