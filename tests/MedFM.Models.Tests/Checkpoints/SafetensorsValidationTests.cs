using System.Buffers.Binary;
using System.Text;
using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Safetensors;
using Xunit;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>Malformed safetensors files: every rule of the reference reader (safetensors/src/tensor.rs) is enforced.</summary>
public class SafetensorsValidationTests
{
    /// <summary>An 8-byte length, the header text, then dataBytes bytes of data.</summary>
    private static byte[] File(string header, int dataBytes, ulong? declaredLength = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)h.Length);
        h.CopyTo(bytes, 8);
        return bytes;
    }

    private static CheckpointFormatException Rejects(byte[] data) =>
        Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Read(data, "bad.safetensors"));

    [Fact]
    public void WellFormed_Reads()
    {
        using var sd = SafetensorsFile.Read(File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[],"data_offsets":[8,9]}}""", 9));
        Assert.Equal(["a", "b"], sd.Keys);
        Assert.Empty(sd["b"].Shape);
        Assert.Equal(1, sd["b"].ElementCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void TooShortForTheLengthField(int length)
    {
        var e = Rejects(new byte[length]);
        Assert.Contains("truncated", e.Message);
        Assert.Equal("bad.safetensors", e.File);
    }

    [Theory]
    [InlineData(1000UL, "runs past the end")]
    [InlineData(100_000_001UL, "exceeds the limit")]
    [InlineData(ulong.MaxValue, "exceeds the limit")]
    public void HeaderLengthBeyondTheFileOrTheLimit(ulong declared, string message)
    {
        var e = Rejects(File("{}", 0, declared));
        Assert.Contains(message, e.Message);
        Assert.Equal(0, e.Offset);
    }

    [Theory]
    [InlineData("""{"a":""", "not valid JSON")]
    [InlineData("""[1, 2]""", "not a JSON object")]
    [InlineData("""{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}""", "unsupported dtype 'F8_E4M3'")]
    [InlineData("""{"a":{"dtype":"Q9","shape":[1],"data_offsets":[0,1]}}""", "unknown or unsupported dtype")]
    [InlineData("""{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}""", "shape dimension")]
    [InlineData("""{"a":{"dtype":"U8","shape":[1.5],"data_offsets":[0,1]}}""", "shape dimension")]
    [InlineData("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0]}}""", "data_offsets must be")]
    [InlineData("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}""", "non-negative")]
    [InlineData("""{"a":{"dtype":"U8","shape":[1]}}""", "data_offsets must be")]
    [InlineData("""{"a":{"shape":[1],"data_offsets":[0,1]}}""", "missing dtype")]
    [InlineData("""{"__metadata__":{"k":1},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""", "is not a string")]
    [InlineData("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""", "appears twice")]
    public void MalformedHeader(string header, string message) =>
        Assert.Contains(message, Rejects(File(header, 1)).Message);

    [Fact]
    public void OverlappingOffsets() =>
        Assert.Contains("overlap", Rejects(File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12)).Message);

    [Fact]
    public void GapBetweenTensors()
    {
        var e = Rejects(File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12));
        Assert.Contains("gap", e.Message);
        Assert.Equal("b", e.Entry);
    }

    [Fact]
    public void FirstTensorNotAtZero() =>
        Assert.Contains("gap", Rejects(File("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", 2)).Message);

    [Fact]
    public void OffsetsBeyondTheData()
    {
        var e = Rejects(File("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8));
        Assert.Contains("beyond", e.Message);
        Assert.Equal("a", e.Entry);
    }

    [Fact]
    public void EndBeforeBegin() =>
        Assert.Contains("end before", Rejects(File("""{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"U8","shape":[0],"data_offsets":[4,2]}}""", 4)).Message);

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8)]  // shape × dtype larger than the range
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,6]}}""", 6)]  // range not a whole number of elements
    [InlineData("""{"a":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,4]}}""", 4)]
    public void RangeLengthDiffersFromShapeTimesDType(string header, int data) =>
        Assert.Contains("needs", Rejects(File(header, data)).Message);

    [Fact]
    public void ShapeProductOverflow() =>
        Assert.Contains("overflows", Rejects(File("""{"a":{"dtype":"F64","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}""", 8)).Message);

    [Fact]
    public void TrailingBytesAfterTheLastTensor() =>
        Assert.Contains("trailing", Rejects(File("""{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}""", 5)).Message);

    [Fact]
    public void InvalidUtf8InTheHeader()
    {
        var bytes = File("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""", 1);
        bytes[10] = 0xFF; // inside the name "a"
        Rejects(bytes);
    }

    [Fact]
    public void HeaderOnly_ReadsWithoutTensorAccess()
    {
        var path = Path.GetTempFileName();
        try
        {
            System.IO.File.WriteAllBytes(path, File("""{"__metadata__":{"x":"y"},"a":{"dtype":"I64","shape":[2,1],"data_offsets":[0,16]}}""", 16));
            var h = SafetensorsFile.ReadHeader(path);
            var a = Assert.Single(h.Entries);
            Assert.Equal(("a", CheckpointDType.I64, 0L, 16L), (a.Name, a.DType, a.Begin, a.End));
            Assert.Equal([2, 1], a.Shape);
            Assert.Equal("y", h.Metadata["x"]);
        }
        finally { System.IO.File.Delete(path); }
    }
}
