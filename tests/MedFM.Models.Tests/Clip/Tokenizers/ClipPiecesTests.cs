using MedFM.Models.Clip.Tokenizers;
using Xunit;

namespace MedFM.Models.Tests.Clip.Tokenizers;

/// <summary>Hand-worked checks of the byte table and the pre-tokenizer.</summary>
public class ClipPiecesTests
{
    [Fact]
    public void ByteTableIsABijectionKeepingPrintableBytes()
    {
        var seen = new HashSet<char>();
        for (int b = 0; b < 256; b++)
        {
            char c = ByteEncoder.Encode((byte)b);
            Assert.True(seen.Add(c));
            Assert.True(ByteEncoder.TryDecode(c, out byte back));
            Assert.Equal(b, back);
        }
        Assert.Equal('A', ByteEncoder.Encode((byte)'A'));
        Assert.Equal('\u00e9', ByteEncoder.Encode(0xE9));
        Assert.Equal('\u0100', ByteEncoder.Encode(0x00));   // first non-printable byte
        Assert.Equal('\u0120', ByteEncoder.Encode(0x20));   // space is the 33rd non-printable byte
        Assert.Equal('\u0143', ByteEncoder.Encode(0xAD));   // soft hyphen, the last one
        Assert.Equal((byte)'!', ByteEncoder.Order[0]);
        Assert.Equal((byte)0xAD, ByteEncoder.Order[255]);
        Assert.Equal("\u00c3\u00a9", ByteEncoder.EncodeUtf8("é"));
    }

    private static string[] Split(string text) => ClipPreTokenizer.Split(text, [BpeVocabulary.StartOfText, BpeVocabulary.EndOfText]).ToArray();

    [Fact]
    public void PreTokenizerFollowsTheReferencePattern()
    {
        Assert.Equal(["it", "'s", "a", "5", "0", "mm", "lesion", "!!!"], Split("it's a 50mm lesion!!!"));
        Assert.Equal(["''", "s"], Split("''s"));                         // a run of punctuation swallows the quote
        Assert.Equal(["<start_of_text>", "x"], Split("<start_of_text>x"));
        Assert.Equal(["!<", "end", "_", "of", "_", "text", ">"], Split("!<end_of_text>"));   // only where a match can start
        Assert.Equal(["<START_of_text>"], Split("<START_of_text>"));      // IGNORECASE
        Assert.Equal(["it", "'\u017f"], Split("it'\u017f"));              // long s folds to s
        Assert.Equal(["½", "x", "²"], Split("½x²"));                       // No: one number per token
        Assert.Equal(["😀😀", "a"], Split("😀😀 a"));                      // symbols run together, by code point
        Assert.Equal(["𝐁𝐨"], Split("𝐁𝐨"));                                 // supplementary letters
        Assert.Empty(Split(" \t "));
    }
}
