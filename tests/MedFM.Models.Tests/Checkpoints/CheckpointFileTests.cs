using MedFM.Models.Checkpoints;
using Xunit;
using static MedFM.Models.Tests.Checkpoints.ExpectedTensors;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>Opening checkpoints by content rather than extension.</summary>
public class CheckpointFileTests
{
    [Theory]
    [InlineData("all_dtypes.safetensors", CheckpointFormat.Safetensors)]
    [InlineData("unaligned.safetensors", CheckpointFormat.Safetensors)]
    [InlineData("all_dtypes_zip.pth", CheckpointFormat.TorchZip)]
    [InlineData("renamed_archive.pth", CheckpointFormat.TorchZip)]
    [InlineData("all_dtypes_legacy.pth", CheckpointFormat.TorchLegacy)]
    [InlineData("state_dict_p5_legacy.pth", CheckpointFormat.TorchLegacy)]
    [InlineData("expected.json", CheckpointFormat.Unknown)]
    public void Identify(string file, CheckpointFormat format) => Assert.Equal(format, CheckpointFile.Identify(FixturePath(file)));

    [Theory]
    [InlineData("all_dtypes.safetensors")]
    [InlineData("all_dtypes_legacy.pth")]
    [InlineData("nested_model_zip.pth")]
    [InlineData("state_dict_p4_zip.pth")]
    public void Load_AnyFormat(string file)
    {
        var found = CheckpointFile.Load(FixturePath(file));
        using var sd = found.StateDict;
        Assert.Equal(StatePath(file), found.Path);
        AssertStateDict(file, sd);
    }

    [Fact]
    public void Load_UnknownContent_IsAFormatError()
    {
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointFile.Load(FixturePath("expected.json")));
        Assert.Contains("not a recognised checkpoint", e.Message);
        Assert.Throws<CheckpointFormatException>(() => CheckpointFile.Load(FixturePath("all_dtypes.safetensors"), "model"));
    }
}
