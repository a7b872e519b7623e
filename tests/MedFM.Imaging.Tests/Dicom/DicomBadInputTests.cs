using System.Buffers.Binary;
using MedFM.Imaging.Dicom;
using Xunit;

namespace MedFM.Imaging.Tests.Dicom;

/// <summary>
/// Hand-made broken files: each fails with a <see cref="DicomFormatException"/> that names the file, the element
/// (gggg,eeee) and the byte offset, without allocating what a hostile length claims.
/// </summary>
public sealed class DicomBadInputTests : IDisposable
{
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    private byte[] Base(out string path)
    {
        var c = PixelCase.Native.Single(x => x.Name == "s16").Generate();
        path = c.Write(_dir.Path, "bad-base", d => d.Text("0010,0010", "PN", "Bad^Input"));
        return File.ReadAllBytes(path);
    }

    private static int Find(byte[] b, ushort group, ushort element)
    {
        for (int i = 132; i + 4 <= b.Length; i++)
            if (BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(i)) == group && BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(i + 2)) == element) return i;
        throw new InvalidOperationException($"({group:X4},{element:X4}) not found");
    }

    private DicomFormatException Fails(byte[] bytes, string name)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsAny<DicomFormatException>(() => DicomImageReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.NotNull(e.Offset);
        return e;
    }

    [Fact]
    public void TruncatedPixelData_NamesTagAndOffset()
    {
        var b = Base(out _);
        int at = Find(b, 0x7FE0, 0x0010);
        var e = Fails(b[..(at + 12 + 100)], "truncated.dcm");
        Assert.Equal(new DicomTag(0x7FE0, 0x0010), e.Tag);
        Assert.Contains("(7FE0,0010)", e.Message);
        Assert.Equal(at, e.Offset);
    }

    [Fact]
    public void FourGigabyteLength_IsRejectedWithoutAllocating()
    {
        var b = Base(out _);
        int at = Find(b, 0x7FE0, 0x0010);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at + 8), 0xFFFFFFF0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails(b, "huge.dcm");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("4294967280", e.Message);
        Assert.Contains("(7FE0,0010)", e.Message);
    }

    [Fact]
    public void WrongVR_IsNamed()
    {
        var b = Base(out _);
        int at = Find(b, 0x0010, 0x0010);
        b[at + 4] = (byte)'Z'; b[at + 5] = (byte)'Z';
        var e = Fails(b, "vr.dcm");
        Assert.Equal(new DicomTag(0x0010, 0x0010), e.Tag);
        Assert.Contains("invalid VR", e.Message);
        Assert.Equal(at + 4, e.Offset);
    }

    [Fact]
    public void DeepSequenceNesting_IsRefused()
    {
        // 200 sequences, each holding one undefined-length item holding the next: explicit VR little endian.
        var body = new List<byte>();
        for (int i = 0; i < 200; i++)
        {
            body.AddRange([0x40, 0x00, 0x75, 0x02, (byte)'S', (byte)'Q', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]);
            body.AddRange([0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]);
        }
        var file = new byte[132].Concat(body).ToArray();
        "DICM"u8.CopyTo(file.AsSpan(128));
        var meta = BuildMeta();
        var bytes = file[..132].Concat(meta).Concat(file[132..]).ToArray();
        var path = _dir.File("deep.dcm");
        File.WriteAllBytes(path, bytes);
        var e = Assert.ThrowsAny<DicomFormatException>(() => DicomFileReader.Read(path));
        Assert.Contains("nested deeper than 32", e.Message);
        Assert.Equal(new DicomTag(0x0040, 0x0275), e.Tag);
    }

    private static byte[] BuildMeta()
    {
        var uid = "1.2.840.10008.1.2.1\0"u8.ToArray();
        var el = new List<byte> { 0x02, 0x00, 0x10, 0x00, (byte)'U', (byte)'I', (byte)uid.Length, 0 };
        el.AddRange(uid);
        return el.ToArray();
    }

    [Fact]
    public void ShortPixelData_And_BadPixelModule_AreNamed()
    {
        var b = Base(out _);
        int rows = Find(b, 0x0028, 0x0010);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(rows + 8), 400); // rows 400: more pixels than the data holds
        var e = Fails(b, "short.dcm");
        Assert.Contains("(7FE0,0010)", e.Message);
        Assert.Contains("needed", e.Message);

        var c = Base(out _);
        int bits = Find(c, 0x0028, 0x0101);
        BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(bits + 8), 17); // bits stored 17 > bits allocated 16
        var e2 = Fails(c, "bits.dcm");
        Assert.Equal(DicomTags.BitsStored, e2.Tag);
    }

    [Fact]
    public void NotDicom_And_MissingFile_AreTyped()
    {
        var path = _dir.File("text.dcm");
        File.WriteAllText(path, "this is certainly not a DICOM file, just some text that is long enough to be checked");
        var e = Assert.ThrowsAny<DicomFormatException>(() => DicomFileReader.Read(path));
        Assert.Contains("not a DICOM file", e.Message);
        Assert.ThrowsAny<DicomFormatException>(() => DicomFileReader.Read(_dir.File("absent.dcm")));
    }
}
