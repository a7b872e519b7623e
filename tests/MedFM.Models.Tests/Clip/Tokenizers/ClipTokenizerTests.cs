using System.Text.Json;
using MedFM.Models.Clip.Tokenizers;
using Xunit;

namespace MedFM.Models.Tests.Clip.Tokenizers;

/// <summary>CLIP's tokenizer against ids from open_clip's SimpleTokenizer (real ftfy) on the fixture corpus.</summary>
public class ClipTokenizerTests
{
    private static readonly JsonElement Fixture = TokenizerFixtures.Load("clip_bpe16e6.json");

    [Fact]
    public void VocabularyHasTheReferenceSizeAndSpecialIds()
    {
        var tok = TokenizerFixtures.Clip;
        Assert.Equal(Fixture.GetProperty("vocab_size").GetInt32(), tok.VocabularySize);
        Assert.Equal(Fixture.GetProperty("sot").GetInt32(), tok.StartOfTextId);
        Assert.Equal(Fixture.GetProperty("eot").GetInt32(), tok.EndOfTextId);
        Assert.Equal(49408, tok.VocabularySize);
        Assert.True(tok.Vocabulary.IsRankOrdered);
    }

    [Fact]
    public void CorpusHasAtLeastTwoHundredStrings() =>
        Assert.True(Fixture.GetProperty("cases").GetArrayLength() >= 200);

    [Fact]
    public void EncodeEqualsReferenceForEveryString() =>
        AssertAll(Fixture.GetProperty("cases"), c => Assert.Equal(TokenizerFixtures.Ints(c.GetProperty("encode")), TokenizerFixtures.Clip.Encode(c.GetProperty("text").GetString()!)));

    [Fact]
    public void BatchRowsEqualReferenceForEveryString()
    {
        var cases = Fixture.GetProperty("cases").EnumerateArray().ToList();
        var batch = TokenizerFixtures.Clip.Tokenize(cases.Select(c => c.GetProperty("text").GetString()!).ToList());
        Assert.Equal(77, batch.ContextLength);
        Assert.Equal(cases.Count, batch.Count);
        for (int r = 0; r < cases.Count; r++)
        {
            var expected = TokenizerFixtures.Ints(cases[r].GetProperty("row"));
            Assert.True(TokenizerFixtures.Padded(expected, 77, 0).AsSpan().SequenceEqual(batch.Row(r)), $"row {r} {TokenizerFixtures.Show(cases[r].GetProperty("text").GetString()!)}");
            Assert.Equal(cases[r].GetProperty("truncated").GetBoolean(), batch.Truncated[r]);
            Assert.Equal(expected.Length, batch.Lengths[r]);
            for (int j = 0; j < 77; j++) Assert.Equal(j < expected.Length ? 1L : 0L, batch.AttentionMask[r * 77 + j]);
        }
        Assert.Contains(true, batch.Truncated);
        Assert.Contains(false, batch.Truncated);
    }

    [Fact]
    public void DecodeEqualsReferenceForEveryString() =>
        AssertAll(Fixture.GetProperty("cases"), c =>
            Assert.Equal(c.GetProperty("decode").GetString(), TokenizerFixtures.Clip.Decode(TokenizerFixtures.Ints(c.GetProperty("encode")))));

    [Fact]
    public void DecodeOfPartialAndSpecialIdsEqualsReference() =>
        AssertAll(Fixture.GetProperty("decodes"), c =>
            Assert.Equal(c.GetProperty("text").GetString(), TokenizerFixtures.Clip.Decode(TokenizerFixtures.Ints(c.GetProperty("ids")))));

    [Fact]
    public void ShortContextLengthsTruncateAsReference() =>
        AssertAll(Fixture.GetProperty("short_contexts"), c =>
        {
            int n = c.GetProperty("context_length").GetInt32();
            var batch = TokenizerFixtures.Clip.Tokenize(c.GetProperty("text").GetString()!, n);
            var expected = TokenizerFixtures.Padded(TokenizerFixtures.Ints(c.GetProperty("row")), n, 0);
            Assert.Equal(expected, batch.Row(0).ToArray());
            Assert.Equal(TokenizerFixtures.Clip.EndOfTextId, batch.Row(0)[batch.Lengths[0] - 1]);
        });

    [Theory]
    [InlineData("whitespace", ClipTextClean.Whitespace)]
    [InlineData("canonicalize", ClipTextClean.Canonicalize)]
    public void OtherCleaningModesEqualReference(string mode, ClipTextClean clean)
    {
        var tok = new ClipTokenizer(TokenizerFixtures.Clip.Vocabulary, clean: clean);
        var cases = Fixture.GetProperty("clean_modes").EnumerateArray().Where(c => c.GetProperty("clean").GetString() == mode).ToList();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var expected = TokenizerFixtures.Padded(TokenizerFixtures.Ints(c.GetProperty("row")), 77, 0);
            Assert.True(expected.AsSpan().SequenceEqual(tok.Tokenize(c.GetProperty("text").GetString()!).Row(0)), TokenizerFixtures.Show(c.GetProperty("text").GetString()!));
        }
    }

    [Fact]
    public void HeapBpeEqualsPassByPassBpeOnLongWords()
    {
        var literal = new ClipTokenizer(TokenizerFixtures.Clip.Vocabulary) { ForcePassByPass = true };
        string[] words = ["a" + new string('b', 200), string.Concat(Enumerable.Repeat("pneumonoultramicroscopicsilicovolcanoconiosis", 6)),
                          string.Concat(Enumerable.Repeat("thethethe", 30)), string.Concat(Enumerable.Repeat("ab", 150))];
        foreach (var w in words) Assert.Equal(literal.Encode(w), TokenizerFixtures.Clip.Encode(w));
        // and on the whole corpus
        foreach (var c in Fixture.GetProperty("cases").EnumerateArray())
            Assert.Equal(TokenizerFixtures.Ints(c.GetProperty("encode")), literal.Encode(c.GetProperty("text").GetString()!));
    }

    [Fact]
    public void KnownPromptTokenizesToKnownPieces()
    {
        // Worked by hand from the merges file: common words are single tokens ending in </w>.
        var tokens = TokenizerFixtures.Clip.EncodeToTokens("a photo of a cat.");
        Assert.Equal(["a</w>", "photo</w>", "of</w>", "a</w>", "cat</w>", ".</w>"], tokens);
    }

    [Fact]
    public void EmptyTextIsStartThenEnd()
    {
        var batch = TokenizerFixtures.Clip.Tokenize("");
        Assert.Equal(2, batch.Lengths[0]);
        Assert.Equal(49406L, batch.Row(0)[0]);
        Assert.Equal(49407L, batch.Row(0)[1]);
        Assert.False(batch.Truncated[0]);
        Assert.All(batch.Row(0)[2..].ToArray(), id => Assert.Equal(0L, id));
    }

    [Fact]
    public void HugeTextIsTruncatedLikeAShortPrefixOfIt()
    {
        const string sentence = "chest radiograph shows effusion. ";
        var batch = TokenizerFixtures.Clip.Tokenize(string.Concat(Enumerable.Repeat(sentence, 50_000)));
        Assert.True(batch.Truncated[0]);
        Assert.Equal(77, batch.Lengths[0]);
        Assert.Equal(TokenizerFixtures.Clip.EndOfTextId, batch.Row(0)[76]);
        var prefix = TokenizerFixtures.Clip.Tokenize(string.Concat(Enumerable.Repeat(sentence, 20)));
        Assert.Equal(prefix.Row(0).ToArray(), batch.Row(0).ToArray());
    }

    internal static void AssertAll(JsonElement cases, Action<JsonElement> check)
    {
        var failures = new List<string>();
        foreach (var c in cases.EnumerateArray())
        {
            try { check(c); }
            catch (Exception e) when (e is Xunit.Sdk.XunitException)
            {
                string label = c.TryGetProperty("text", out var t) ? TokenizerFixtures.Show(t.GetString()!) : c.ToString();
                failures.Add(label + ": " + e.Message.Split('\n')[0]);
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} case(s) differ:\n" + string.Join("\n", failures.Take(20)));
    }
}
