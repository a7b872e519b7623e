using System.Buffers.Binary;
using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Torch;
using Xunit;
using static MedFM.Models.Tests.Checkpoints.ExpectedTensors;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>Broken PyTorch containers and tensors whose layout does not fit their storage.</summary>
public class TorchContainerErrorTests
{
    private static CheckpointFormatException Rejects(byte[] file) =>
        Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(file, "bad.pth"));

    private static byte[] F32(params float[] v)
    {
        var b = new byte[v.Length * 4];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), v[i]);
        return b;
    }

    /// <summary>A zip checkpoint {'w': tensor} over storage '0' holding the given bytes.</summary>
    private static byte[] OneTensor(long numel, long offset, long[] size, long[] stride, byte[] data, string type = "FloatStorage") =>
        PickleBuilder.TorchZip(new PickleBuilder().Proto(2).EmptyDict().Str("w").Tensor(type, "0", numel, offset, size, stride).SetItem().Stop().ToArray(),
            new Dictionary<string, byte[]> { ["0"] = data });

    [Fact]
    public void HandBuiltZip_Reads()
    {
        using var ckpt = TorchCheckpoint.Load(OneTensor(6, 1, [2, 2], [1, 2], F32(0, 1, 2, 3, 4, 5)), "ok.pth");
        var t = ckpt.FindStateDict().StateDict["w"];
        Assert.Equal(new[] { 1f, 3f, 2f, 4f }, t.ToFloat32()); // [[s1, s3], [s2, s4]]: column-major view from offset 1
    }

    [Theory]
    [InlineData(4, 0, new long[] { 3, 2 }, new long[] { 2, 1 }, "needs 6 elements")]          // shape × dtype larger than the storage
    [InlineData(6, 5, new long[] { 2 }, new long[] { 1 }, "needs 7 elements")]                // offset pushes the view past the end
    [InlineData(6, 0, new long[] { 2, 2 }, new long[] { 1, 5 }, "needs 7 elements")]          // strides reach past the end
    [InlineData(6, -1, new long[] { 2 }, new long[] { 1 }, "negative storage offset")]
    [InlineData(6, 0, new long[] { 2 }, new long[] { -1 }, "negative stride")]
    [InlineData(6, 0, new long[] { 2, 2 }, new long[] { 1 }, "2 dimensions, stride 1")]
    [InlineData(6, 0, new long[] { 1L << 40 }, new long[] { 0 }, "out of range")]
    [InlineData(6, 0, new long[] { 1 << 20, 1 << 10 }, new long[] { 0, 0 }, "repeats")]       // an expansion bomb over 6 stored floats
    [InlineData(6, 0, new long[] { 1 << 30, 1 << 30, 1 << 30 }, new long[] { 0, 0, 0 }, "overflows")]
    public void TensorLayoutThatDoesNotFitItsStorage(long numel, long offset, long[] size, long[] stride, string message)
    {
        var e = Rejects(OneTensor(numel, offset, size, stride, F32(new float[numel])));
        Assert.Contains(message, e.Message);
        Assert.Equal("archive/data.pkl", e.Entry);
        Assert.NotNull(e.Offset);
    }

    [Fact]
    public void StorageMemberShorterThanDeclared() =>
        Assert.Contains("holds 8", Rejects(OneTensor(6, 0, [6], [1], F32(1, 2))).Message);

    [Fact]
    public void StorageMemberMissing()
    {
        var pkl = new PickleBuilder().Proto(2).Tensor("FloatStorage", "7", 1, 0, [1], [1]).Stop().ToArray();
        Assert.Contains("no member archive/data/7", Rejects(PickleBuilder.TorchZip(pkl)).Message);
    }

    [Fact]
    public void OneStorageUsedAsTwoDTypes()
    {
        var pkl = new PickleBuilder().Proto(2).Mark()
            .Tensor("FloatStorage", "0", 2, 0, [2], [1]).Tensor("LongStorage", "0", 1, 0, [1], [1]).Tuple().Stop().ToArray();
        Assert.Contains("both", Rejects(PickleBuilder.TorchZip(pkl, new Dictionary<string, byte[]> { ["0"] = new byte[8] })).Message);
    }

    [Theory]
    [InlineData("notstorage")]
    [InlineData("short")]
    public void MalformedPersistentIds(string kind)
    {
        var p = new PickleBuilder().Proto(2).Mark();
        if (kind == "notstorage") p.Str("module").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(1);
        else p.Str("storage").Str("FloatStorage");
        var pkl = p.Tuple().BinPersId().Stop().ToArray();
        Assert.Contains("persistent id", Rejects(PickleBuilder.TorchZip(pkl)).Message);
    }

    [Fact]
    public void TorchScriptArchive_IsRefusedWithAdvice()
    {
        var zip = PickleBuilder.TorchZip(new PickleBuilder().Proto(2).None().Stop().ToArray(), records: new Dictionary<string, byte[]> { ["constants.pkl"] = [] });
        Assert.Contains("TorchScript", Rejects(zip).Message);
    }

    [Fact]
    public void ZipWithoutDataPkl()
    {
        using var ms = new MemoryStream();
        using (var z = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, true))
            using (var s = z.CreateEntry("x/readme.txt").Open()) s.Write("hi"u8);
        Assert.Contains("no data.pkl", Rejects(ms.ToArray()).Message);
    }

    [Fact]
    public void BigEndianArchive_IsByteSwapped()
    {
        var be = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(be, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(be.AsSpan(4), -3f);
        var pkl = new PickleBuilder().Proto(2).EmptyDict().Str("w").Tensor("FloatStorage", "0", 2, 0, [2], [1]).SetItem().Stop().ToArray();
        var zip = PickleBuilder.TorchZip(pkl, new Dictionary<string, byte[]> { ["0"] = be },
            records: new Dictionary<string, byte[]> { ["byteorder"] = "big"u8.ToArray() });
        using var ckpt = TorchCheckpoint.Load(zip, "be.pth");
        Assert.Equal(new[] { 1.5f, -3f }, ckpt.FindStateDict().StateDict["w"].ToFloat32());
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void TruncatedZip(double keep)
    {
        var bytes = File.ReadAllBytes(FixturePath("all_dtypes_zip.pth"));
        var e = Rejects(bytes[..(int)(bytes.Length * keep)]);
        Assert.Contains("zip", e.Message);
    }

    [Fact]
    public void NotACheckpoint()
    {
        Assert.Contains("not a PyTorch checkpoint", Rejects("hello world, this is text"u8.ToArray()).Message);
        Assert.Contains("not a PyTorch checkpoint", Rejects([]).Message);
    }

    [Fact]
    public void LegacyBadMagic_AndBadProtocolVersion()
    {
        var wrongMagic = new PickleBuilder().Proto(2).Int(12345).Stop().ToArray();
        Assert.Contains("bad magic number", Rejects(wrongMagic).Message);
        var pre = PickleBuilder.LegacyPreamble();
        var magicOnly = pre[..15];  // the magic pickle is 15 bytes: PROTO (2), LONG1 with 10 bytes (12), STOP (1)
        var wrongVersion = magicOnly.Concat(new PickleBuilder().Proto(2).Int(1000).Stop().ToArray()).ToArray();
        Assert.Contains("protocol version 1000", Rejects(wrongVersion).Message);
    }

    [Fact]
    public void TarBasedLegacyFormat_IsRecognisedAndRefused()
    {
        var tar = new byte[1024];
        "ustar"u8.CopyTo(tar.AsSpan(257));
        Assert.Contains("tar-based", Rejects(tar).Message);
    }

    /// <summary>A legacy file {'w': tensor} whose one storage 'k' has the given element count and bytes after the key list.</summary>
    private static byte[] Legacy(long declared, long written, byte[] data, string[]? keys = null)
    {
        var obj = new PickleBuilder().Proto(2).EmptyDict().Str("w")
            .Global("torch._utils", "_rebuild_tensor_v2").Mark()
            .Mark().Str("storage").Global("torch", "FloatStorage").Str("k").Str("cpu").Int(declared).None().Tuple().BinPersId()
            .Int(0).IntTuple(declared).IntTuple(1).False().Global("collections", "OrderedDict").EmptyTuple().Reduce().Tuple().Reduce()
            .SetItem().Stop();
        var list = new PickleBuilder().Proto(2).EmptyList().Mark();
        foreach (var k in keys ?? ["k"]) list.Str(k);
        list.Op('e').Stop();
        var count = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(count, written);
        return [.. PickleBuilder.LegacyPreamble(), .. obj.ToArray(), .. list.ToArray(), .. count, .. data];
    }

    [Fact]
    public void HandBuiltLegacy_Reads()
    {
        using var ckpt = TorchCheckpoint.Load(Legacy(3, 3, F32(1, 2, 3)), "ok.pth");
        Assert.Equal(TorchCheckpointFormat.Legacy, ckpt.Format);
        Assert.Equal(new[] { 1f, 2f, 3f }, ckpt.FindStateDict().StateDict["w"].ToFloat32());
    }

    [Fact]
    public void LegacyStorageProblems()
    {
        Assert.Contains("3 elements in the file, the pickle declares 2", Rejects(Legacy(2, 3, F32(1, 2, 3))).Message);
        Assert.Contains("truncated", Rejects(Legacy(3, 3, F32(1, 2))).Message);
        Assert.Contains("never uses", Rejects(Legacy(3, 3, F32(1, 2, 3), ["k", "other"])).Message);
        Assert.Contains("missing", Rejects(Legacy(3, 3, F32(1, 2, 3), [])).Message);
        var e = Rejects(Legacy(3, 3, F32(1, 2, 3))[..^14]);
        Assert.Contains("truncated", e.Message);
    }
}
