using System.Text;
using MedFM.Models.Clip.Tokenizers;
using Xunit;

namespace MedFM.Models.Tests.Clip.Tokenizers;

/// <summary>Bad files and bad arguments give a TokenizerException naming the file and line or JSON path.</summary>
public class TokenizerErrorTests
{
    private static MemoryStream Text(string s) => new(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void MissingFilesAreNamed()
    {
        var e = Assert.Throws<TokenizerException>(() => BpeVocabulary.Load("/nonexistent/merges.txt.gz"));
        Assert.Equal("/nonexistent/merges.txt.gz", e.FilePath);
        Assert.Contains("not found", e.Message);
        Assert.Throws<TokenizerException>(() => WordPieceVocabulary.FromVocabTxt("/nonexistent/vocab.txt"));
        Assert.Throws<TokenizerException>(() => TokenizerJsonReader.Read("/nonexistent/tokenizer.json"));
    }

    [Fact]
    public void MalformedMergeLineIsReportedWithItsLine()
    {
        var e = Assert.Throws<TokenizerException>(() => BpeVocabulary.Load(Text("#version: 0.2\nt h\ni n g\n"), "m.txt"));
        Assert.Equal("m.txt", e.FilePath);
        Assert.Equal(3, e.Line);
        Assert.Contains("found 3", e.Message);
        var blank = Assert.Throws<TokenizerException>(() => BpeVocabulary.Load(Text("#version: 0.2\nt h\n\ni n\n"), "m.txt"));
        Assert.Equal(3, blank.Line);
    }

    [Fact]
    public void MergesFileWithoutHeaderOrNotTextIsRejected()
    {
        Assert.Equal(1, Assert.Throws<TokenizerException>(() => BpeVocabulary.Load(Text("{\"a\": 1}\n"), "vocab.json")).Line);
        Assert.Contains("empty", Assert.Throws<TokenizerException>(() => BpeVocabulary.Load(new MemoryStream(), "e")).Message);
        Assert.Contains("UTF-8", Assert.Throws<TokenizerException>(() => BpeVocabulary.Load(new MemoryStream([0x23, 0xFF, 0xFE, 0x0A]), "b")).Message);
        Assert.Contains("gzip", Assert.Throws<TokenizerException>(() => BpeVocabulary.Load(new MemoryStream([0x1F, 0x8B, 1, 2, 3, 4, 5]), "z")).Message);
    }

    [Fact]
    public void OversizedMergesTextIsRefusedInsteadOfInflated()
    {
        var bomb = new MemoryStream();
        using (var z = new System.IO.Compression.GZipStream(bomb, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            z.Write(new byte[4 << 20]);   // 4 MiB of zeros in a few KiB
        bomb.Position = 0;
        var e = Assert.Throws<TokenizerException>(() => BpeVocabulary.Load(bomb, "bomb.gz", BpeVocabulary.ClipMergeCount, null, maxTextBytes: 1 << 20));
        Assert.Contains("larger than", e.Message);
    }

    [Fact]
    public void HeaderOnlyMergesFileGivesByteLevelTokenizer()
    {
        var tok = new ClipTokenizer(BpeVocabulary.Load(Text("#version: 0.2"), "h"));
        Assert.Equal(514, tok.VocabularySize);
        Assert.Equal("ab ", tok.Decode(tok.Encode("ab")));
        Assert.Equal(2, tok.Encode("ab").Length);
    }

    [Fact]
    public void VocabTxtProblemsAreNamed()
    {
        var e = Assert.Throws<TokenizerException>(() => WordPieceVocabulary.FromVocabTxt(Text("[PAD]\nhello\n"), "v.txt"));
        Assert.Contains("[UNK]", e.Message);
        Assert.Equal("v.txt", e.FilePath);
        Assert.Contains("empty", Assert.Throws<TokenizerException>(() => WordPieceVocabulary.FromVocabTxt(Text(""), "v.txt")).Message);
        var bad = Assert.Throws<TokenizerException>(() => WordPieceVocabulary.FromVocabTxt(new MemoryStream([0x61, 0x0A, 0xC3, 0x28, 0x0A]), "v.txt"));
        Assert.Equal(2, bad.Line);
        var noCls = WordPieceVocabulary.FromVocabTxt(Text("[PAD]\n[UNK]\n[SEP]\n"), "v.txt");
        Assert.Contains("[CLS]", Assert.Throws<TokenizerException>(() => new BertTokenizer(noCls)).Message);
    }

    [Theory]
    [InlineData("{", "invalid JSON")]
    [InlineData("[]", "$: expected an object")]
    [InlineData("{}", "$.model: missing")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}", "$.model.type: expected \"WordPiece\"")]
    [InlineData("{\"model\": {\"type\": \"WordPiece\"}}", "$.model.vocab: missing")]
    [InlineData("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": \"x\"}}}", "$.model.vocab[\"[UNK]\"]: expected an integer id")]
    [InlineData("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0, \"a\": 0}}}", "id 0 is given to both")]
    [InlineData("{\"normalizer\": {\"type\": \"Lowercase\"}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}", "$.normalizer.type")]
    [InlineData("{\"pre_tokenizer\": {\"type\": \"Metaspace\"}, \"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}}}", "$.pre_tokenizer.type")]
    public void MalformedTokenizerJsonIsReportedWithItsPath(string json, string expected)
    {
        var e = Assert.Throws<TokenizerException>(() => TokenizerJsonReader.Read(Text(json), "tokenizer.json"));
        Assert.Contains(expected, e.Message);
        Assert.Equal("tokenizer.json", e.FilePath);
    }

    [Fact]
    public void TokenizerJsonFlagsAreRead()
    {
        string json = File.ReadAllText(TokenizerFixtures.Path("bert_tokenizer.json"))
            .Replace("\"lowercase\":true", "\"lowercase\":false").Replace("\"strip_accents\":null", "\"strip_accents\":true");
        var (_, options) = TokenizerJsonReader.Read(Text(json), "t.json");
        Assert.False(options.LowerCase);
        Assert.True(options.StripAccents);
        Assert.Equal("[CLS]", options.ClsToken);
        Assert.Equal("[SEP]", options.SepToken);
        Assert.Equal(100, options.MaxInputCharsPerWord);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-5)]
    public void ContextLengthBelowTwoIsRejected(int n)
    {
        Assert.Throws<TokenizerException>(() => TokenizerFixtures.Clip.Tokenize("x", n));
        Assert.Throws<TokenizerException>(() => TokenizerFixtures.Bert.Tokenize("x", n));
        Assert.Throws<TokenizerException>(() => new ClipTokenizer(TokenizerFixtures.Clip.Vocabulary, n));
        Assert.Throws<TokenizerException>(() => new BertTokenizer(TokenizerFixtures.Bert.Vocabulary, new BertTokenizerOptions { ContextLength = n }));
    }

    [Fact]
    public void IdsOutsideTheVocabularyAreRejectedOnDecode()
    {
        Assert.Throws<TokenizerException>(() => TokenizerFixtures.Clip.Decode([49408]));
        Assert.Throws<TokenizerException>(() => TokenizerFixtures.Clip.Decode([-1]));
        Assert.Equal("[UNK]", TokenizerFixtures.Bert.Decode([100_000]));   // as _convert_id_to_token
    }

    [Fact]
    public void NullTextInABatchIsRejected() =>
        Assert.Throws<TokenizerException>(() => TokenizerFixtures.Clip.Tokenize(new string[] { "a", null! }));
}
