using System.Text;
using MedFM.Models.Clip.Tokenizers;
using Xunit;

namespace MedFM.Models.Tests.Clip.Tokenizers;

/// <summary>Hand-worked WordPiece and basic-tokenizer cases on a tiny vocabulary.</summary>
public class WordPieceTests
{
    private static WordPieceVocabulary Tiny(params string[] tokens) =>
        WordPieceVocabulary.FromVocabTxt(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", tokens) + "\n")), "tiny");

    private static readonly WordPieceVocabulary Vocab = Tiny("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "una", "##ff", "a", "b", "##b");

    private static string[] Pieces(WordPieceTokenizer wp, string word)
    {
        var ids = new List<int>();
        wp.Tokenize(word, ids);
        return ids.Select(Vocab.Token).ToArray();
    }

    [Fact]
    public void GreedyLongestMatchFirst()
    {
        // The docstring example: "unaffable" -> un ##aff ##able; greedy prefers "una" + "##ff" only if it finishes.
        var wp = new WordPieceTokenizer(Vocab);
        Assert.Equal(["una", "##ff", "##able"], Pieces(wp, "unaffable"));
        Assert.Equal(["a", "##b", "##b"], Pieces(wp, "abb"));
        Assert.Equal(["[UNK]"], Pieces(wp, "abc"));   // one unmatched piece makes the whole word unknown
        Assert.Equal(["[UNK]"], Pieces(wp, "c"));
    }

    [Fact]
    public void WordsLongerThanTheLimitAreUnknown()
    {
        var wp = new WordPieceTokenizer(Vocab, maxInputCharsPerWord: 4);
        Assert.Equal(["a", "##b", "##b", "##b"], Pieces(wp, "abbb"));
        Assert.Equal(["[UNK]"], Pieces(wp, "abbbb"));
        // The limit counts code points, not UTF-16 units.
        var wp2 = new WordPieceTokenizer(Tiny("[UNK]", "😀", "##😀"), maxInputCharsPerWord: 2);
        var ids = new List<int>();
        wp2.Tokenize("😀😀", ids);
        Assert.Equal([1, 2], ids);
    }

    [Fact]
    public void BasicTokenizerSplitsPunctuationCjkAndStripsAccents()
    {
        var basic = new BertBasicTokenizer();
        Assert.Equal(["hello", ",", "naive", "cafe", "!", "肺", "炎", "x", "^", "2", "$"], basic.Tokenize("Hello, Naïve CAFÉ!肺炎 x^2$"));
        Assert.Equal(["ab"], basic.Tokenize("a\u0000b"));            // NUL removed, no split
        Assert.Equal(["a", "b"], basic.Tokenize("a\u2028b"));         // U+2028 is no BERT whitespace but str.split() splits on it
        Assert.Equal(["a", "b", "c"], basic.Tokenize("a\tb\r\nc"));
        var cased = new BertBasicTokenizer(lowerCase: false);
        Assert.Equal(["Naïve"], cased.Tokenize("Naïve"));
        var stripCased = new BertBasicTokenizer(lowerCase: false, stripAccents: true);
        Assert.Equal(["Naive"], stripCased.Tokenize("Naïve"));
    }

    [Fact]
    public void SpecialTokensInTextStayWhole()
    {
        var tok = new BertTokenizer(Vocab, new BertTokenizerOptions { ContextLength = 16 });
        Assert.Equal(["a", "[MASK]", "b"], tok.EncodeToTokens("A[MASK] b"));
        Assert.Equal(["[UNK]", "[UNK]", "[UNK]"], tok.EncodeToTokens("[mask]"));  // lower-case is no special token
    }

    [Fact]
    public void DuplicateTokensKeepTheirLastId()
    {
        var v = Tiny("[UNK]", "x", "x");
        Assert.True(v.TryGetId("x", out int id));
        Assert.Equal(2, id);
        Assert.Equal("[UNK]", v.Token(1));
        Assert.Equal("x", v.Token(2));
        Assert.Equal("[UNK]", v.Token(99));
    }
}
