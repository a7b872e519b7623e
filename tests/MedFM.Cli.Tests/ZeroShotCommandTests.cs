using System.Text.Json;
using MedFM.Cli.Tests.Support;
using MedFM.Models.Checkpoints;
using MedFM.Models.Loading;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Cli.Tests;

/// <summary>
/// `medfm zeroshot` end to end on the tiny open_clip fixtures (tools/clip/make_fixtures.py): real PNGs, open_clip
/// training checkpoints, the tokenizer files the fixtures used; probabilities against open_clip's.
/// </summary>
public class ZeroShotCommandTests
{
    internal sealed record Case(string Preset, string Fixture, string Tokenizer);

    internal static readonly Case Clip = new("medfm_clip_tiny", "clip_tiny_quickgelu", "tokenizers/clip_small_merges.txt");
    internal static readonly Case Biomed = new("medfm_biomedclip_tiny", "biomedclip_tiny", "tokenizers/bert_vocab.txt");

    internal static JsonElement FixtureJson(Case c) => JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture($"clip/{c.Fixture}.json"))).RootElement;

    internal static string[] Images(Case c) => FixtureJson(c).GetProperty("images").EnumerateArray().Select(e => RepoPaths.TestData(e.GetString()![".testdata/".Length..])).ToArray();

    internal static float[] Io(Case c, string name)
    {
        using var state = CheckpointFile.LoadStateDict(RepoPaths.Fixture($"clip/{c.Fixture}.safetensors"));
        return state["io." + name].ToTensor().ToArray();
    }

    internal static string[] ModelArgs(Case c) =>
        ["--model", c.Preset, "--checkpoint", RepoPaths.Fixture($"clip/{c.Fixture}_openclip.pt"), "--tokenizer", RepoPaths.Fixture(c.Tokenizer)];

    private static string Labels(Case c) => string.Join('|', FixtureJson(c).GetProperty("labels").EnumerateArray().Select(e => e.GetString()));

    private static string TemplatesFile(Case c)
    {
        var path = Path.Combine(CliRunner.TempDir(), "templates.txt");
        File.WriteAllLines(path, FixtureJson(c).GetProperty("templates").EnumerateArray().Select(e => e.GetString()!));
        return path;
    }

    public static IEnumerable<object[]> Cases() => [["clip"], ["biomed"]];

    private static Case Named(string name) => name == "clip" ? Clip : Biomed;

    [Theory]
    [MemberData(nameof(Cases))]
    public void JsonProbabilitiesMatchOpenClip(string name)
    {
        var c = Named(name);
        var images = Images(c);
        var r = CliRunner.Run([.. new[] { "zeroshot" }, .. images, .. ModelArgs(c), "--labels", Labels(c), "--templates", TemplatesFile(c), "--json"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(images.Length, lines.Length);
        var expected = Io(c, "zs_probs");
        int classes = expected.Length / images.Length;
        for (int i = 0; i < images.Length; i++)
        {
            var obj = JsonDocument.Parse(lines[i]).RootElement;
            Assert.Equal(images[i], obj.GetProperty("file").GetString());
            Assert.Equal(FixtureJson(c).GetProperty("labels").EnumerateArray().Select(e => e.GetString()), obj.GetProperty("labels").EnumerateArray().Select(e => e.GetString()));
            var probs = obj.GetProperty("probabilities").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            Assert.Equal(classes, probs.Length);
            for (int k = 0; k < classes; k++)
                Assert.True(Math.Abs(probs[k] - expected[i * classes + k]) <= 1e-4, $"image {i} class {k}: {probs[k]} vs {expected[i * classes + k]}");
        }
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void BertTokenizerJsonGivesTheSameProbabilitiesAsVocabTxt()
    {
        var images = Images(Biomed);
        string[] common = [.. new[] { "zeroshot" }, .. images, "--model", Biomed.Preset, "--checkpoint", RepoPaths.Fixture("clip/biomedclip_tiny_openclip.pt"),
            "--labels", Labels(Biomed), "--templates", TemplatesFile(Biomed), "--json"];
        var json = CliRunner.Run([.. common, "--tokenizer", RepoPaths.Fixture("tokenizers/bert_tokenizer.json")]);
        var vocab = CliRunner.Run([.. common, "--tokenizer", RepoPaths.Fixture(Biomed.Tokenizer)]);
        Assert.True(json.ExitCode == 0, json.Stderr);
        Assert.Equal(vocab.Stdout, json.Stdout);
    }

    [Fact]
    public void TextOutputListsTheTopClassesBestFirst()
    {
        var images = Images(Clip);
        var r = CliRunner.Run([.. new[] { "zeroshot", images[0] }, .. ModelArgs(Clip), "--labels", Labels(Clip), "--templates", TemplatesFile(Clip), "--top", "2"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var expected = Io(Clip, "zs_probs").Take(4).ToArray();
        var labels = Labels(Clip).Split('|');
        var order = Enumerable.Range(0, 4).OrderByDescending(k => expected[k]).Take(2).ToArray();
        var line = r.Stdout.Trim();
        Assert.StartsWith(images[0] + ": " + labels[order[0]] + " ", line);
        Assert.Contains(", " + labels[order[1]] + " ", line);
        Assert.Equal(2, line.Split(", ").Length);
    }

    [Fact]
    public void WithoutTemplatesEachLabelIsThePrompt()
    {
        // The fixture's texts hold each label alone (template "{}") at rows 2, 5, 8, 11; a one-template classifier is
        // that embedding normalised, so the probabilities follow from the reference embeddings.
        var images = Images(Clip);
        var r = CliRunner.Run([.. new[] { "zeroshot", images[1] }, .. ModelArgs(Clip), "--labels", Labels(Clip), "--json"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var text = Io(Clip, "text_emb");
        var image = Io(Clip, "image_emb");
        int e = 16;
        var img = Normalize(image.Skip(e).Take(e).ToArray());
        var logits = new[] { 2, 5, 8, 11 }.Select(row => Math.Exp(4.0) * Dot(img, Normalize(text.Skip(row * e).Take(e).ToArray()))).ToArray();
        double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
        var probs = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("probabilities").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (int k = 0; k < 4; k++) Assert.True(Math.Abs(probs[k] - Math.Exp(logits[k] - max) / sum) <= 1e-4, $"class {k}");
    }

    [Fact]
    public void OverLongLabelsAreReportedOnStderr()
    {
        var images = Images(Clip);
        string longLabel = string.Join(' ', Enumerable.Repeat("hemorrhage", 80));
        var r = CliRunner.Run([.. new[] { "zeroshot", images[0] }, .. ModelArgs(Clip), "--labels", "brain MRI|" + longLabel]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("medfm: warning: prompt truncated to the context length 77", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--labels", " | ", "--labels is empty")]
    [InlineData("--labels", "lung||heart", "label 2 is empty")]
    public void BadLabelListsFailWithOneLine(string option, string value, string expected)
    {
        var r = CliRunner.Run([.. new[] { "zeroshot", Images(Clip)[0] }, .. ModelArgs(Clip), option, value]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void AMissingVocabularyIsNamed()
    {
        var missing = Path.Combine(CliRunner.TempDir(), "vocab.txt");
        var r = CliRunner.Run("zeroshot", Images(Biomed)[0], "--model", Biomed.Preset, "--checkpoint", RepoPaths.Fixture("clip/biomedclip_tiny_openclip.pt"),
            "--tokenizer", missing, "--labels", "a|b");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(missing, r.Stderr);
        Assert.Contains("does not exist", r.Stderr);
    }

    [Fact]
    public void ATokenizerTooLargeForTheTextTowerIsRefused()
    {
        var r = CliRunner.Run([.. new[] { "zeroshot", Images(Clip)[0], "--model", Clip.Preset, "--checkpoint", RepoPaths.Fixture("clip/clip_tiny_quickgelu_openclip.pt") },
            "--tokenizer", SharedClipMerges(), "--labels", "a|b"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("49408 ids", r.Stderr);
    }

    [Fact]
    public void ACheckpointWhoseTowersDoNotFitIsRefusedByKey()
    {
        var r = CliRunner.Run("zeroshot", Images(Clip)[0], "--model", Biomed.Preset, "--checkpoint", RepoPaths.Fixture("clip/clip_tiny_quickgelu_openclip.pt"),
            "--tokenizer", RepoPaths.Fixture(Biomed.Tokenizer), "--labels", "a|b");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("visual.trunk", r.Stderr);
    }

    [Fact]
    public void TinyPresetsRunWithoutACheckpointOnSeededWeights()
    {
        string[] args = ["zeroshot", Images(Clip)[0], "--model", Clip.Preset, "--tokenizer", RepoPaths.Fixture(Clip.Tokenizer), "--labels", "a|b|c", "--json"];
        var first = CliRunner.Run(args);
        var second = CliRunner.Run(args);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("seeded random weights", first.Stderr);
        Assert.Equal(first.Stdout, second.Stdout);
        var probs = JsonDocument.Parse(first.Stdout).RootElement.GetProperty("probabilities").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(1.0, probs.Sum(), 5);
    }

    [Fact]
    public void PublishedPresetsNeedACheckpoint()
    {
        var r = CliRunner.Run("zeroshot", Images(Clip)[0], "--model", "ViT-B-16", "--tokenizer", RepoPaths.Fixture(Clip.Tokenizer), "--labels", "a|b");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("needs its weights", r.Stderr);
    }

    /// <summary>OpenAI CLIP's merges file (49,408 ids), kept in the shared data folder beside the checkout.</summary>
    private static string SharedClipMerges()
    {
        var path = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", "clip", "bpe_simple_vocab_16e6.txt.gz"));
        Assert.True(File.Exists(path), $"{path} is missing (shared/data/clip beside the checkout)");
        return path;
    }

    internal static float[] Normalize(float[] v)
    {
        double n = Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => (float)(x / n)).ToArray();
    }

    internal static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}
