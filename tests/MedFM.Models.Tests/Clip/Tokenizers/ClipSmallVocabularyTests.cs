using System.Text.Json;
using MedFM.Models.Clip.Tokenizers;
using Xunit;

namespace MedFM.Models.Tests.Clip.Tokenizers;

/// <summary>
/// A merges file cut to its first 2,000 merges (committed), against open_clip's SimpleTokenizer built from the same
/// file: other ids, longer BPE paths, and the reference's empty entry for the file's final newline.
/// </summary>
public class ClipSmallVocabularyTests
{
    private static readonly JsonElement Fixture = TokenizerFixtures.Load("clip_small.json");
    private static readonly BpeVocabulary Vocab = BpeVocabulary.Load(TokenizerFixtures.Path("clip_small_merges.txt"));

    [Fact]
    public void SizesAndSpecialIdsEqualReference()
    {
        Assert.Equal(Fixture.GetProperty("vocab_size").GetInt32(), Vocab.Count);
        Assert.Equal(Fixture.GetProperty("sot").GetInt32(), Vocab.StartOfTextId);
        Assert.Equal(Fixture.GetProperty("eot").GetInt32(), Vocab.EndOfTextId);
        // 512 byte symbols, 2,000 merges, the empty piece after the final newline, two specials.
        Assert.Equal(512 + 2000 + 1 + 2, Vocab.Count);
        Assert.Equal("", Vocab.Token(512 + 2000));
    }

    [Fact]
    public void RowsEncodingsAndDecodingsEqualReference()
    {
        var tok = new ClipTokenizer(Vocab);
        ClipTokenizerTests.AssertAll(Fixture.GetProperty("cases"), c =>
        {
            string text = c.GetProperty("text").GetString()!;
            var enc = TokenizerFixtures.Ints(c.GetProperty("encode"));
            Assert.Equal(enc, tok.Encode(text));
            Assert.Equal(TokenizerFixtures.Padded(TokenizerFixtures.Ints(c.GetProperty("row")), 77, 0), tok.Tokenize(text).Row(0).ToArray());
            Assert.Equal(c.GetProperty("truncated").GetBoolean(), tok.Tokenize(text).Truncated[0]);
            Assert.Equal(c.GetProperty("decode").GetString(), tok.Decode(enc));
        });
    }

    [Fact]
    public void GzipAndPlainTextReadTheSame()
    {
        var plain = File.ReadAllBytes(TokenizerFixtures.Path("clip_small_merges.txt"));
        var gz = new MemoryStream();
        using (var z = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) z.Write(plain);
        gz.Position = 0;
        var fromGzip = BpeVocabulary.Load(gz, "small.gz");
        Assert.Equal(Vocab.Count, fromGzip.Count);
        var a = new ClipTokenizer(Vocab);
        var b = new ClipTokenizer(fromGzip);
        Assert.Equal(a.Encode("bilateral pleural effusions"), b.Encode("bilateral pleural effusions"));
    }
}
