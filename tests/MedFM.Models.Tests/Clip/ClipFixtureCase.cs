using MedFM.Imaging;
using MedFM.Models.Clip;
using MedFM.Models.Clip.Tokenizers;
using MedFM.Models.Tests.Support;
using MedFM.TestSupport;

namespace MedFM.Models.Tests.Clip;

/// <summary>A tiny image–text fixture of tools/clip/make_fixtures.py: its config, the model loaded from it, and its tokenizer.</summary>
internal sealed class ClipFixtureCase
{
    public ClipFixtureCase(string name)
    {
        Name = name;
        Fixture = new GoldenFixture("clip", name);
        Config = ClipConfig.FromOpenClipJson(Fixture.Json.GetProperty("open_clip_config").GetRawText(), name);
        Model = new ClipModel(Config);
        Model.LoadStateDict(ClipLoader.Adapt(Fixture.Weights, Config));   // the fixture writer stores 0-d logit_scale as [1]
        Model.Eval();
        Tokenizer = TokenizerFor(Config);
    }

    public string Name { get; }

    public GoldenFixture Fixture { get; }

    public ClipConfig Config { get; }

    public ClipModel Model { get; }

    public ITextTokenizer Tokenizer { get; }

    public string[] Strings(string property) => Fixture.Json.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToArray();

    public Volume[] Images() => Strings("images").Select(p => ImageFile.Read(RepoPaths.TestData(p[".testdata/".Length..]))).ToArray();

    /// <summary>The tokenizer files the fixtures were made with: CLIP's first 2,000 merges, or the small BERT vocabulary.</summary>
    public static ITextTokenizer TokenizerFor(ClipConfig config) => config.Text.IsHf
        ? BertTokenizer.FromVocabTxt(RepoPaths.Fixture("tokenizers/bert_vocab.txt"), BertTokenizerOptions.BiomedClip with { ContextLength = config.Text.ContextLength })
        : ClipTokenizer.FromFile(RepoPaths.Fixture("tokenizers/clip_small_merges.txt"), config.Text.ContextLength);

    public static IEnumerable<object[]> Names() => [["clip_tiny_quickgelu"], ["clip_tiny_gelu_custom_text"], ["biomedclip_tiny"]];
}
