using MedFM.Models.Clip;
using MedFM.Models.Tests.Support;
using MedFM.Tensors;
using Xunit;

namespace MedFM.Models.Tests.Clip;

/// <summary>
/// Tiny open_clip models with seeded random weights (tools/clip/make_fixtures.py, open_clip v2.32 + timm + the BERT
/// mirror): keys, per-block outputs, embeddings, token ids and zero-shot probabilities against the reference.
/// </summary>
public class ClipParityTests
{
    [Theory]
    [MemberData(nameof(ClipFixtureCase.Names), MemberType = typeof(ClipFixtureCase))]
    public void KeysAndShapesEqualTheReference(string name)
    {
        var c = new ClipFixtureCase(name);
        c.Fixture.AssertSameKeys(c.Model.StateDict());
    }

    [Theory]
    [MemberData(nameof(ClipFixtureCase.Names), MemberType = typeof(ClipFixtureCase))]
    public void ImagePreprocessingEqualsOpenClipsTransform(string name)
    {
        var c = new ClipFixtureCase(name);
        var images = ClipPreprocessor.Prepare(c.Images(), c.Config);
        GoldenFixture.AssertClose(c.Fixture["images"], images, "preprocessed images", minCosine: 0.999999, relTol: 1e-6);
    }

    [Theory]
    [MemberData(nameof(ClipFixtureCase.Names), MemberType = typeof(ClipFixtureCase))]
    public void ImageTowerMatchesPerBlockAndEmbedding(string name)
    {
        var c = new ClipFixtureCase(name);
        var images = c.Fixture["images"];
        var blocks = new Dictionary<int, Tensor>();
        Tensor embedding;
        if (c.Model.Visual is ClipVisionTransformer vit)
            embedding = vit.Encode(images, (i, x) => blocks[i] = x.Narrow(0, 0, 3));
        else
        {
            var timm = (TimmVisionTower)c.Model.Visual;
            embedding = timm.Head.Forward(timm.Trunk.ForwardHead(timm.Trunk.ForwardFeatures(images, (i, x) => blocks[i] = x.Narrow(0, 0, 3))));
        }
        Assert.NotEmpty(blocks);
        foreach (var (i, x) in blocks) GoldenFixture.AssertClose(c.Fixture[$"visual_block.{i}"], x, $"{name} visual block {i}");
        GoldenFixture.AssertClose(c.Fixture["image_emb"], embedding, $"{name} image embedding");
        GoldenFixture.AssertClose(c.Fixture["image_emb"], c.Model.EncodeImage(images), $"{name} EncodeImage");
    }

    [Theory]
    [MemberData(nameof(ClipFixtureCase.Names), MemberType = typeof(ClipFixtureCase))]
    public void TokenIdsEqualTheReferenceTokenizers(string name)
    {
        var c = new ClipFixtureCase(name);
        var batch = c.Tokenizer.Tokenize(c.Strings("texts"), c.Config.Text.ContextLength);
        Assert.Equal(c.Fixture["text_ids"].ToLongArray(), batch.Ids);
        Assert.True(batch.Truncated[^2], "the long text is reported as truncated");
        Assert.Equal(1, batch.Truncated.Count(t => t));
    }

    [Theory]
    [MemberData(nameof(ClipFixtureCase.Names), MemberType = typeof(ClipFixtureCase))]
    public void TextTowerMatchesPerBlockAndEmbedding(string name)
    {
        var c = new ClipFixtureCase(name);
        var ids = c.Fixture["text_ids"];
        var blocks = new Dictionary<int, Tensor>();
        var embedding = c.Model.Text switch
        {
            ClipTextTransformer t => t.Encode(ids, (i, x) => blocks[i] = x.Narrow(0, 0, 3)),
            HfTextEncoder h => h.Encode(ids, (i, x) => blocks[i] = x.Narrow(0, 0, 3)),
            _ => throw new InvalidOperationException(),
        };
        Assert.NotEmpty(blocks);
        foreach (var (i, x) in blocks) GoldenFixture.AssertClose(c.Fixture[$"text_block.{i}"], x, $"{name} text block {i}");
        GoldenFixture.AssertClose(c.Fixture["text_emb"], embedding, $"{name} text embedding");
        foreach (int row in new[] { 12, 13 })   // the truncated long text and the empty text
            GoldenFixture.AssertClose(c.Fixture["text_emb"].Narrow(0, row, 1), embedding.Narrow(0, row, 1), $"{name} text {row}");
    }

    [Theory]
    [MemberData(nameof(ClipFixtureCase.Names), MemberType = typeof(ClipFixtureCase))]
    public void ZeroShotProbabilitiesMatchOpenClip(string name)
    {
        var c = new ClipFixtureCase(name);
        var classifier = ZeroShotClassifier.Build(c.Model, c.Tokenizer, c.Strings("labels"), c.Strings("templates"));
        GoldenFixture.AssertClose(c.Fixture["zs_classifier"], classifier.Weights, $"{name} classifier weights");
        var probs = classifier.Classify(c.Model, c.Fixture["images"]);
        var expected = c.Fixture["zs_probs"].ToArray();
        var actual = probs.ToArray();
        Assert.Equal(expected.Length, actual.Length);
        double maxDelta = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(maxDelta <= 1e-4, $"{name}: zero-shot probabilities max |Δ| = {maxDelta:G3}");
        Assert.Empty(classifier.TruncatedPrompts);
    }
}
