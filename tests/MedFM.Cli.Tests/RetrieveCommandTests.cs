using System.Globalization;
using MedFM.Cli.Tests.Support;
using MedFM.TestSupport;
using Xunit;
using static MedFM.Cli.Tests.ZeroShotCommandTests;

namespace MedFM.Cli.Tests;

/// <summary>`medfm retrieve` over indexes written by `medfm zeroshot`, scored against the reference embeddings.</summary>
public class RetrieveCommandTests
{
    private static (string ImageIndex, string LabelIndex) BuildIndexes()
    {
        var dir = CliRunner.TempDir();
        string images = Path.Combine(dir, "images.npy"), labels = Path.Combine(dir, "labels.npy");
        var r = CliRunner.Run([.. new[] { "zeroshot" }, .. ZeroShotCommandTests.Images(Clip), .. ModelArgs(Clip),
            "--labels", "brain MRI|chest x-ray|retina photo|skin lesion", "--index-out", images, "--label-index-out", labels]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return (images, labels);
    }

    private static (float Score, int Row, string Name)[] Parse(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries))
            .Select(p => (float.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture), p[2].Trim())).ToArray();

    [Fact]
    public void TextQueryRanksTheIndexedImagesByCosine()
    {
        var (imageIndex, _) = BuildIndexes();
        var r = CliRunner.Run([.. new[] { "retrieve", "--index", imageIndex, "--text", "chest x-ray", "--top", "3" }, .. ModelArgs(Clip)]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        // "chest x-ray" alone is the fixture's text row 5; expected cosines from the reference embeddings.
        var text = Normalize(Io(Clip, "text_emb").Skip(5 * 16).Take(16).ToArray());
        var image = Io(Clip, "image_emb");
        var expected = Enumerable.Range(0, 3).Select(i => Dot(text, Normalize(image.Skip(i * 16).Take(16).ToArray()))).ToArray();
        var hits = Parse(r.Stdout);
        var files = ZeroShotCommandTests.Images(Clip);
        Assert.Equal(Enumerable.Range(0, 3).OrderByDescending(i => expected[i]), hits.Select(h => h.Row));
        foreach (var h in hits)
        {
            Assert.Equal(files[h.Row], h.Name);
            Assert.True(Math.Abs(h.Score - expected[h.Row]) <= 1e-3, $"row {h.Row}: {h.Score} vs {expected[h.Row]}");
        }
    }

    [Fact]
    public void ImageQueryFindsItselfFirstAndRanksLabels()
    {
        var (imageIndex, labelIndex) = BuildIndexes();
        var files = ZeroShotCommandTests.Images(Clip);
        var self = CliRunner.Run([.. new[] { "retrieve", "--index", imageIndex, "--image", files[2], "--top", "1" }, .. ModelArgs(Clip)]);
        Assert.True(self.ExitCode == 0, self.Stderr);
        var top = Parse(self.Stdout).Single();
        Assert.Equal(2, top.Row);
        Assert.True(Math.Abs(top.Score - 1f) <= 1e-4);
        var labels = CliRunner.Run([.. new[] { "retrieve", "--index", labelIndex, "--image", files[2], "--top", "4" }, .. ModelArgs(Clip)]);
        Assert.True(labels.ExitCode == 0, labels.Stderr);
        var hits = Parse(labels.Stdout);
        Assert.Equal(4, hits.Length);
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        Assert.Equal(new[] { "brain MRI", "chest x-ray", "retina photo", "skin lesion" }.Order(), hits.Select(h => h.Name).Order());
    }

    [Fact]
    public void ExactlyOneQueryIsRequired()
    {
        var (imageIndex, _) = BuildIndexes();
        var r = CliRunner.Run([.. new[] { "retrieve", "--index", imageIndex, "--text", "a", "--image", ZeroShotCommandTests.Images(Clip)[0] }, .. ModelArgs(Clip)]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("exactly one of --text and --image", r.Stderr);
    }

    [Fact]
    public void AnIndexOfAnotherWidthIsRefused()
    {
        var dir = CliRunner.TempDir();
        var path = Path.Combine(dir, "wide.npy");
        MedFM.Tensors.IO.Npy.Write(path, new float[2 * 24], [2, 24]);
        var r = CliRunner.Run([.. new[] { "retrieve", "--index", path, "--text", "brain" }, .. ModelArgs(Clip)]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("width 16, the index 24", r.Stderr);
    }
}
