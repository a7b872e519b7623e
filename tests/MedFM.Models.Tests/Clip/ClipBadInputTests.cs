using MedFM.Models.Clip;
using MedFM.Models.Clip.Tokenizers;
using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Models.Tests.Clip;

public class ClipBadInputTests
{
    private static readonly Lazy<ClipFixtureCase> Tiny = new(() => new ClipFixtureCase("clip_tiny_quickgelu"));

    [Fact]
    public void AMissingVocabularyIsNamed()
    {
        var missing = Path.Combine(Path.GetTempPath(), "medfm-no-such-vocab", "vocab.txt");
        var e = Assert.ThrowsAny<Exception>(() => BertTokenizer.FromVocabTxt(missing));
        Assert.True(e is TokenizerException or FileNotFoundException or DirectoryNotFoundException, e.GetType().Name);
        Assert.Contains("vocab.txt", e.Message);
        Assert.ThrowsAny<Exception>(() => ClipTokenizer.FromFile(missing.Replace("vocab.txt", "bpe.txt.gz")));
    }

    [Fact]
    public void AnEmptyLabelListIsRefused()
    {
        var c = Tiny.Value;
        var e = Assert.Throws<ClipInputException>(() => ZeroShotClassifier.Build(c.Model, c.Tokenizer, []));
        Assert.Contains("label list is empty", e.Message);
        Assert.Throws<ClipInputException>(() => ZeroShotClassifier.Build(c.Model, c.Tokenizer, ["lung", " "]));
    }

    [Fact]
    public void ATemplateWithoutAPlaceholderIsRefusedByNumber()
    {
        var c = Tiny.Value;
        var e = Assert.Throws<ClipInputException>(() => ZeroShotClassifier.Build(c.Model, c.Tokenizer, ["lung"], ["a photo of {}", "a photo"]));
        Assert.Contains("template 2", e.Message);
    }

    [Fact]
    public void OverLongPromptsAreReportedAsTruncated()
    {
        var c = Tiny.Value;
        string longLabel = string.Join(' ', Enumerable.Repeat("pneumothorax", 60));
        var classifier = ZeroShotClassifier.Build(c.Model, c.Tokenizer, ["lung", longLabel], ["a photo of {}.", "{}"]);
        Assert.Equal(new[] { "a photo of " + longLabel + ".", longLabel }, classifier.TruncatedPrompts);
        Assert.Equal(2, classifier.Labels.Count);
    }

    [Fact]
    public void ImageEmbeddingsOfAnotherWidthAreRefused()
    {
        var c = Tiny.Value;
        var classifier = ZeroShotClassifier.Build(c.Model, c.Tokenizer, ["lung", "heart"]);
        var e = Assert.Throws<ClipInputException>(() => classifier.Probabilities(Tensor.Ones(2, 24)));
        Assert.Contains("width 16", e.Message);
    }

    [Fact]
    public void TokenIdsOutsideTheVocabularyOrContextAreRefused()
    {
        var model = Tiny.Value.Model;
        var e = Assert.Throws<TensorShapeException>(() => model.EncodeText(Tensor.FromLongs([49406L, 1L], 1, 2)));
        Assert.Contains("tokenizer does not match", e.Message);
        Assert.Throws<TensorShapeException>(() => model.EncodeText(Tensor.FromLongs(new long[78], 1, 78)));
        Assert.Throws<TensorShapeException>(() => model.EncodeImage(Tensor.Zeros(1, 3, 64, 64)));
    }

    [Theory]
    [InlineData("""{"embed_dim": 16, "vision_cfg": {"layers": 2, "width": 32, "patch_size": 8, "image_size": 32, "attentional_pool": true}}""", "vision_cfg.attentional_pool")]
    [InlineData("""{"embed_dim": 16, "vision_cfg": {"timm_model_name": "convnext_base"}}""", "convnext_base")]
    [InlineData("""{"embed_dim": 16, "text_cfg": {"hf_model_name": "roberta-base"}}""", "roberta-base")]
    [InlineData("""{"embed_dim": 16, "text_cfg": {"width": 30, "heads": 8}}""", "multiple of heads")]
    [InlineData("""{"embed_dim": "512"}""", "wrong JSON type")]
    [InlineData("""{"embed_dim": 16, "init_logit_bias": -10}""", "init_logit_bias")]
    [InlineData("""[1, 2]""", "JSON object")]
    public void UnsupportedOrMalformedConfigsAreRefusedByName(string json, string expected)
    {
        var e = Assert.Throws<ModelConfigException>(() => ClipConfig.FromOpenClipJson(json, "custom"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("custom", e.Message);
    }
}
