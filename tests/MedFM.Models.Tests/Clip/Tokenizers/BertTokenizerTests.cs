using System.Text.Json;
using MedFM.Models.Clip.Tokenizers;
using Xunit;

namespace MedFM.Models.Tests.Clip.Tokenizers;

/// <summary>BERT WordPiece against the mirror of Hugging Face's BertTokenizer (tools/tokenizers/bert_reference.py).</summary>
public class BertTokenizerTests
{
    private static readonly JsonElement Fixture = TokenizerFixtures.Load("bert_wordpiece.json");

    private static void CheckRows(BertTokenizer tok, string rowKey, string? truncatedKey)
    {
        var cases = Fixture.GetProperty("cases").EnumerateArray().ToList();
        var batch = tok.Tokenize(cases.Select(c => c.GetProperty("text").GetString()!).ToList());
        Assert.Equal(256, batch.ContextLength);
        var failures = new List<string>();
        for (int r = 0; r < cases.Count; r++)
        {
            var expected = TokenizerFixtures.Padded(TokenizerFixtures.Ints(cases[r].GetProperty(rowKey)), 256, tok.PadId);
            if (!expected.AsSpan().SequenceEqual(batch.Row(r)))
                failures.Add($"row {r} {TokenizerFixtures.Show(cases[r].GetProperty("text").GetString()!)}");
            if (truncatedKey is not null && cases[r].GetProperty(truncatedKey).GetBoolean() != batch.Truncated[r])
                failures.Add($"truncated flag of row {r}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void RowsEqualReferenceForEveryString() => CheckRows(TokenizerFixtures.Bert, "row", "truncated");

    [Fact]
    public void RowsAfterOpenClipCleaningEqualReference() =>
        CheckRows(BertTokenizer.FromVocabTxt(TokenizerFixtures.Path("bert_vocab.txt"), BertTokenizerOptions.BiomedClip), "row_openclip", "truncated_openclip");

    [Fact]
    public void CasedRowsEqualReference() =>
        CheckRows(BertTokenizer.FromVocabTxt(TokenizerFixtures.Path("bert_vocab.txt"), new BertTokenizerOptions { LowerCase = false }), "row_cased", null);

    [Fact]
    public void TokenizerJsonGivesTheSameRowsAsVocabTxt()
    {
        var tok = BertTokenizer.FromTokenizerJson(TokenizerFixtures.Path("bert_tokenizer.json"));
        Assert.True(tok.Options.LowerCase);
        Assert.Null(tok.Options.StripAccents);
        Assert.Equal(TokenizerFixtures.Bert.VocabularySize, tok.VocabularySize);
        CheckRows(tok, "row", "truncated");
    }

    [Fact]
    public void TokenStringsEqualReference() =>
        ClipTokenizerTests.AssertAll(Fixture.GetProperty("cases"), c =>
            Assert.Equal(c.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                TokenizerFixtures.Bert.EncodeToTokens(c.GetProperty("text").GetString()!)));

    [Fact]
    public void DecodeEqualsReference() =>
        ClipTokenizerTests.AssertAll(Fixture.GetProperty("cases"), c =>
            Assert.Equal(c.GetProperty("decode").GetString(), TokenizerFixtures.Bert.Decode(TokenizerFixtures.Ints(c.GetProperty("row")))));

    [Fact]
    public void ShortContextLengthsEqualReference() =>
        ClipTokenizerTests.AssertAll(Fixture.GetProperty("short_contexts"), c =>
        {
            int n = c.GetProperty("context_length").GetInt32();
            var expected = TokenizerFixtures.Padded(TokenizerFixtures.Ints(c.GetProperty("row")), n, 0);
            Assert.Equal(expected, TokenizerFixtures.Bert.Tokenize(c.GetProperty("text").GetString()!, n).Row(0).ToArray());
        });

    [Fact]
    public void SpecialIdsAndPaddingFollowTheVocabulary()
    {
        var tok = TokenizerFixtures.Bert;
        Assert.Equal(0, tok.PadId);
        Assert.Equal(12, tok.ClsId);
        Assert.Equal(13, tok.SepId);
        var batch = tok.Tokenize("");
        Assert.Equal([12L, 13L], batch.Row(0)[..2].ToArray());
        Assert.Equal(2, batch.Lengths[0]);
        Assert.Equal(2L, batch.AttentionMask.Sum());
    }

    [Fact]
    public void OverLongTextKeepsSepLastAndReportsTruncation()
    {
        var batch = TokenizerFixtures.Bert.Tokenize(string.Concat(Enumerable.Repeat("the lungs are clear. ", 100_000)));
        Assert.True(batch.Truncated[0]);
        Assert.Equal(256, batch.Lengths[0]);
        Assert.Equal(TokenizerFixtures.Bert.SepId, batch.Row(0)[255]);
    }
}
