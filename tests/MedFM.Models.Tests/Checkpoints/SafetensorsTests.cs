using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Safetensors;
using MedFM.Models.Checkpoints.Torch;
using Xunit;
using static MedFM.Models.Tests.Checkpoints.ExpectedTensors;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>safetensors reading and writing against files laid out as the reference writer lays them out.</summary>
public class SafetensorsTests
{
    [Fact]
    public void Read_EveryDType_EqualsTheSavedValues_InOffsetOrder()
    {
        const string file = "all_dtypes.safetensors";
        using var sd = SafetensorsFile.Read(FixturePath(file));
        Assert.Equal(Keys(file), sd.Keys); // the reference writer's order: descending alignment, then name
        AssertStateDict(file, sd);
        Assert.Equal("pt", sd.Metadata["format"]);
        Assert.Equal("medfm fixtures", sd.Metadata["source"]);
    }

    [Fact]
    public void Read_AcceptsAValidTilingThatIsNotElementAligned()
    {
        // unaligned.safetensors: 3 bytes of U8 then F32 at byte 3, as the reference reader allows.
        const string file = "unaligned.safetensors";
        using var sd = SafetensorsFile.Read(FixturePath(file));
        AssertStateDict(file, sd);
        Assert.Equal(new[] { 0.5f, -1.25f }, sd["w"].ToFloat32());
    }

    [Fact]
    public void ReadFloat32Into_EqualsToFloat32_ForEveryFloatDType_AndReadsAgainAfterEviction()
    {
        // The pages of each entry are dropped from the process after it is read into place; the file stays readable.
        const string file = "all_dtypes.safetensors";
        using var sd = SafetensorsFile.Read(FixturePath(file));
        foreach (var key in sd.Keys.Where(k => sd[k].DType.IsFloatingPoint()))
        {
            var expected = sd[key].ToFloat32();
            var into = new float[expected.Length];
            sd[key].ReadFloat32Into(into);
            Assert.Equal(expected, into);
            Assert.Equal(expected, sd[key].ToFloat32());
            Assert.Throws<ArgumentException>(() => sd[key].ReadFloat32Into(new float[expected.Length + 1]));
        }
        // Large enough to span many pages of the mapping.
        string big = Path.Combine(Path.GetTempPath(), $"medfm-evict-{Guid.NewGuid():N}.safetensors");
        try
        {
            var values = Enumerable.Range(0, 300_000).Select(i => (float)Math.Sin(i)).ToArray();
            SafetensorsFile.Write(big, new[] { CheckpointTensor.FromFloat32("w", values, 300, 1000) });
            using var bigSd = SafetensorsFile.Read(big);
            var into = new float[values.Length];
            bigSd["w"].ReadFloat32Into(into);
            Assert.Equal(values, into);
            Assert.Equal(values, bigSd["w"].ToFloat32());
        }
        finally
        {
            File.Delete(big);
        }
    }

    [Fact]
    public void Encode_IsByteIdenticalToTheReferenceLayout()
    {
        var original = File.ReadAllBytes(FixturePath("all_dtypes.safetensors"));
        using var sd = SafetensorsFile.Read(original, "all_dtypes");
        // Given in another order, the writer still sorts as the reference does.
        var shuffled = sd.Values.Reverse().ToList();
        Assert.Equal(original, SafetensorsFile.Encode(shuffled, sd.Metadata));
    }

    [Fact]
    public void Write_FromAPthWithViews_RoundTripsEveryValue()
    {
        using var ckpt = TorchCheckpoint.Load(FixturePath("all_dtypes_zip.pth"));
        var sd = ckpt.FindStateDict().StateDict;
        var dir = Directory.CreateTempSubdirectory("medfm-st-");
        try
        {
            var path = Path.Combine(dir.FullName, "out.safetensors");
            SafetensorsFile.Write(path, sd.Values, new Dictionary<string, string> { ["k"] = "v \"quoted\" é" });
            Assert.Single(Directory.GetFiles(dir.FullName)); // no temporary file left behind
            using var back = SafetensorsFile.Read(path);
            Assert.Equal("v \"quoted\" é", back.Metadata["k"]);
            Assert.Equal(sd.Count, back.Count);
            foreach (var key in sd.Keys)
            {
                Assert.True(back[key].IsContiguous);
                AssertTensor("all_dtypes_zip.pth", key, back[key], checkLayout: false);
            }
            Assert.Equal(0, SafetensorsFile.ReadHeader(path).DataStart % 8); // header padded to 8 bytes
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Write_BigEndianStorage_IsStoredLittleEndian()
    {
        var be = new byte[] { 0x3F, 0x80, 0x00, 0x00, 0xC0, 0x20, 0x00, 0x00 }; // 1.0f, -2.5f big-endian
        var t = new CheckpointTensor("x", CheckpointDType.F32, [2], [1], 0, CheckpointStorage.FromBytes(be, "x", bigEndian: true));
        Assert.Equal(new[] { 1f, -2.5f }, t.ToFloat32());
        using var back = SafetensorsFile.Read(SafetensorsFile.Encode([t]));
        Assert.Equal(new[] { 1f, -2.5f }, back["x"].ToFloat32());
    }

    [Fact]
    public void Write_RejectsUnnamedDuplicateOrReservedNames()
    {
        var a = CheckpointTensor.FromFloat32("a", [1f], 1);
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Encode([a, a]));
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Encode([a with { Name = "" }]));
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Encode([a with { Name = "__metadata__" }]));
    }

    [Fact]
    public void Write_FailingMidway_LeavesNeitherTargetNorTemporaryFile()
    {
        var dir = Directory.CreateTempSubdirectory("medfm-st-");
        try
        {
            var source = Path.Combine(dir.FullName, "source.safetensors");
            SafetensorsFile.Write(source, [CheckpointTensor.FromFloat32("a", [1f, 2f], 2)]);
            var sd = SafetensorsFile.Read(source);
            var t = sd["a"];
            sd.Dispose(); // the mapping is gone: reading the tensor's bytes now fails inside the writer
            var target = Path.Combine(dir.FullName, "target.safetensors");
            Assert.Throws<ObjectDisposedException>(() => SafetensorsFile.Write(target, [t]));
            Assert.Equal([source], Directory.GetFiles(dir.FullName));
        }
        finally { dir.Delete(true); }
    }
}
