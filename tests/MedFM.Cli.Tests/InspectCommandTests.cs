using System.Text.Json;
using MedFM.Cli.Tests.Support;
using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Safetensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Cli.Tests;

/// <summary>`medfm inspect` on the reference-made fixtures, a full-size zero-filled ViT-Ti/16 file and hostile input.</summary>
public class InspectCommandTests
{
    [Fact]
    public void DescribesAnMaePretrainingFile()
    {
        var r = CliRunner.Run("inspect", RepoPaths.Fixture("vit/mae_tiny_pretrain.pth"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        // Key count and parameters from the reference model's own key list (tools/vit/make_adapter_fixtures.py).
        var keys = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("vit/vit_adapters.json"))).RootElement
            .GetProperty("checkpoint_keys").GetProperty("mae_tiny_pretrain.pth").EnumerateArray().ToList();
        long parameters = keys.Sum(k => k[1].EnumerateArray().Aggregate(1L, (n, d) => n * d.GetInt32()));
        Assert.Contains("format      TorchZip", r.Stdout);
        Assert.Contains("state dict  model\n", r.Stdout.ReplaceLineEndings("\n"));
        Assert.Contains("family      Mae", r.Stdout);
        Assert.Contains($"keys        {keys.Count}\n", r.Stdout.ReplaceLineEndings("\n"));
        Assert.Contains($"dtypes      F32 ×{keys.Count}", r.Stdout);
        Assert.Contains("parameters  " + parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), r.Stdout);
        Assert.Contains("presets     (none fits exactly)", r.Stdout);
        var listed = CliRunner.Run("inspect", "--keys", RepoPaths.Fixture("vit/mae_tiny_pretrain.pth"));
        Assert.Contains("  decoder_pred.weight  F32  [192, 16]", listed.Stdout);
    }

    [Fact]
    public void RecognisesAFullSizePresetFromKeysAndShapes()
    {
        var reference = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("vit/vit_presets.keys.json"))).RootElement
            .GetProperty("vit_tiny_patch16_224").GetProperty("model_keys");
        var tensors = reference.EnumerateArray().Select(e =>
        {
            var shape = e[1].EnumerateArray().Select(x => x.GetInt32()).ToArray();
            return CheckpointTensor.FromFloat32(e[0].GetString()!, new float[shape.Aggregate(1, (a, b) => a * b)], shape);
        }).ToList();
        var path = Path.Combine(CliRunner.TempDir(), "vit_tiny.safetensors");
        SafetensorsFile.Write(path, tensors);
        var r = CliRunner.Run("inspect", path);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("family      TimmVit", r.Stdout);
        Assert.Contains("presets     vit_tiny_patch16_224\n", r.Stdout.ReplaceLineEndings("\n"));
        Assert.Contains("parameters  5,717,416", r.Stdout);
    }

    [Theory]
    [InlineData("checkpoints/malicious_os_system.pth", "posix")]
    [InlineData("cli/embed/expected.csv", "not a recognised checkpoint")]
    public void HostileOrForeignFilesFailWithOneLine(string file, string expected)
    {
        var r = CliRunner.Run("inspect", RepoPaths.Fixture(file));
        EmbedCommandTests.AssertOneLineFailure(r, expected);
        Assert.Empty(r.Stdout);
    }
}
