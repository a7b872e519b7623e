using MedFM.Cli.Tests.Support;
using MedFM.Tensors.IO;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Cli.Tests;

/// <summary>
/// `medfm embed` against tools/vit/make_embed_fixtures.py: PNG images through the MAE eval transform and the tiny MAE
/// encoder of tests/Fixtures/vit/mae_tiny_pretrain.pth, as the reference code computes them; and its bad-input paths.
/// </summary>
public class EmbedCommandTests
{
    private static readonly string Images = RepoPaths.Fixture("cli/embed/images");
    private static readonly string Preset = RepoPaths.Fixture("cli/embed/mae_tiny.preset.json");
    private static readonly string Checkpoint = RepoPaths.Fixture("vit/mae_tiny_pretrain.pth");

    [Theory]
    [InlineData("8")]
    [InlineData("2")]
    public void EmbeddingsOfAFolderMatchTheReference(string batchSize)
    {
        var dir = CliRunner.TempDir();
        var npy = Path.Combine(dir, "emb.npy");
        var r = CliRunner.Run("embed", Images, "--model", Preset, "--checkpoint", Checkpoint, "--out", npy, "--batch-size", batchSize);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("3 embeddings of width 24", r.Stdout);
        Assert.Contains("dropped", r.Stdout);
        var expected = Npy.Read(RepoPaths.Fixture("cli/embed/expected.npy"));
        var actual = Npy.Read(npy);
        Assert.Equal(expected.Shape, actual.Shape);
        AssertClose(expected.ToFloat32(), actual.ToFloat32());
        var rows = File.ReadAllLines(Path.Combine(dir, "emb.csv"));
        var expectedRows = File.ReadAllLines(RepoPaths.Fixture("cli/embed/expected.csv"));
        Assert.Equal(expectedRows[0], rows[0]);
        Assert.Equal(expectedRows.Skip(1), rows.Skip(1).Select(l => l.Split(',')[0] + "," + Path.GetFileName(l.Split(',')[1])));
    }

    [Fact]
    public void FilesAreEmbeddedInTheOrderGivenWithAnExplicitCsvPath()
    {
        var dir = CliRunner.TempDir();
        string a = Path.Combine(Images, "c_rgb_64x64.png"), b = Path.Combine(Images, "a_rgb_40x48.png");
        var r = CliRunner.Run("embed", a, b, "-m", Preset, "-c", Checkpoint, "-o", Path.Combine(dir, "e.npy"), "--csv", Path.Combine(dir, "names.csv"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        var all = Npy.Read(RepoPaths.Fixture("cli/embed/expected.npy")).ToFloat32();
        var got = Npy.Read(Path.Combine(dir, "e.npy")).ToFloat32();
        AssertClose(all[48..72].Concat(all[0..24]).ToArray(), got);
        Assert.Equal(["index,file", $"0,{a}", $"1,{b}"], File.ReadAllLines(Path.Combine(dir, "names.csv")));
    }

    [Theory]
    [InlineData("checkpoints/malicious_os_system.pth", "posix")]
    [InlineData("vit/dinov2_tiny.pth", "state dict does not fit mae_tiny")]
    [InlineData("TRUNCATED", "mae_tiny_pretrain")]
    public void BadCheckpointsFailWithOneLineAndNoOutput(string checkpoint, string expected)
    {
        var dir = CliRunner.TempDir();
        if (checkpoint == "TRUNCATED")
        {
            var bytes = File.ReadAllBytes(Checkpoint);
            checkpoint = Path.Combine(dir, "mae_tiny_pretrain_truncated.pth");
            File.WriteAllBytes(checkpoint, bytes[..(bytes.Length * 2 / 3)]);
        }
        else checkpoint = RepoPaths.Fixture(checkpoint);
        var npy = Path.Combine(dir, "emb.npy");
        var r = CliRunner.Run("embed", Images, "--model", Preset, "--checkpoint", checkpoint, "--out", npy);
        AssertOneLineFailure(r, expected);
        Assert.False(File.Exists(npy));
        Assert.False(File.Exists(Path.Combine(dir, "emb.csv")));
    }

    [Fact]
    public void AFourChannelImageIsRefusedByName()
    {
        var dir = CliRunner.TempDir();
        var npy = Path.Combine(dir, "emb.npy");
        var r = CliRunner.Run("embed", Path.Combine(Images, "a_rgb_40x48.png"), RepoPaths.Fixture("cli/embed/bad/rgba_8x8.png"),
            "--model", Preset, "--checkpoint", Checkpoint, "--out", npy);
        AssertOneLineFailure(r, "rgba_8x8.png");
        Assert.Contains("4 channel", r.Stderr);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public void UnknownModelAndMissingInputAreRefused()
    {
        var dir = CliRunner.TempDir();
        var r = CliRunner.Run("embed", Images, "--model", "vit_gigantic", "--out", Path.Combine(dir, "e.npy"));
        AssertOneLineFailure(r, "unknown model 'vit_gigantic'");
        Assert.Contains("retfound", r.Stderr);
        var missing = CliRunner.Run("embed", Path.Combine(dir, "nope.png"), "--model", Preset, "--out", Path.Combine(dir, "e.npy"));
        AssertOneLineFailure(missing, "nope.png");
        Assert.Empty(Directory.GetFiles(dir));
    }

    internal static void AssertOneLineFailure(CliResult r, string expected)
    {
        Assert.NotEqual(0, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"stderr should be one line, got:\n{r.Stderr}");
        Assert.StartsWith("medfm: error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double dot = 0, ne = 0, na = 0, maxErr = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            dot += (double)expected[i] * actual[i];
            ne += (double)expected[i] * expected[i];
            na += (double)actual[i] * actual[i];
            maxErr = Math.Max(maxErr, Math.Abs(expected[i] - actual[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        double cos = dot / Math.Sqrt(ne * na);
        Assert.True(cos >= 0.99999 && maxErr <= 1e-4 * scale, $"cosine {cos:F8}, max |Δ| {maxErr:G3} at scale {scale:G3}");
    }
}
