using System.Buffers.Binary;
using MedFM.Imaging;
using MedFM.Imaging.Png;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Imaging.Tests.Png;

public class PngBadInputTests
{
    private static byte[] Valid() => File.ReadAllBytes(RepoPaths.Fixture("imaging/png/ct2_d8.png"));

    private static PngFormatException Fails(byte[] b) =>
        Assert.IsType<PngFormatException>(Assert.ThrowsAny<ImageFormatException>(() => PngReader.Read(b, "bad.png")));

    /// <summary>Rewrites a chunk's CRC after editing it, so the edit itself is what gets checked.</summary>
    private static void FixCrc(byte[] b, int chunkStart)
    {
        int len = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(chunkStart));
        uint crc = 0xFFFFFFFF; // bitwise CRC-32 (independent of the reader's table version)
        foreach (var x in b.AsSpan(chunkStart + 4, 4 + len))
        {
            crc ^= x;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        crc ^= 0xFFFFFFFF;
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(chunkStart + 8 + len), crc);
    }

    [Fact]
    public void MissingSignature() => Assert.Equal(0, Fails([1, 2, 3]).Offset);

    [Fact]
    public void CrcMismatch_InCriticalChunk_NamesTheChunk()
    {
        var b = Valid();
        b[17] ^= 1; // inside IHDR data
        var e = Fails(b);
        Assert.Contains("CRC mismatch in critical chunk IHDR", e.Message);
    }

    [Fact]
    public void HostileSize_IsRejectedBeforeInflating()
    {
        var b = Valid();
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(16), 20000);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(20), 20000);
        FixCrc(b, 8);
        Assert.Contains("cannot hold", Fails(b).Message);
    }

    [Fact]
    public void SizeWhoseRowArithmeticWouldOverflow_IsRejected()
    {
        // Found by the fuzzer: width·rowbytes·height overflowed 64 bits before the size checks.
        var b = Valid();
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(16), 0x5C010000);
        BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(20), 0x7FFF0006);
        FixCrc(b, 8);
        Assert.Contains("too large", Fails(b).Message);
    }

    [Fact]
    public void BadDepthForColourType_AndTruncation()
    {
        var b = Valid();
        b[24] = 4; // RGB at 4 bits is not allowed
        FixCrc(b, 8);
        Assert.Equal(24, Fails(b).Offset);
        Assert.Contains("runs past the end", Fails(Valid()[..60]).Message);
    }
}
