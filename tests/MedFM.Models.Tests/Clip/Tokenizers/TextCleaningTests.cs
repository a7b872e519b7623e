using System.Text.Json;
using MedFM.Models.Clip.Tokenizers;
using MedFM.Models.Clip.Tokenizers.Text;
using Xunit;

namespace MedFM.Models.Tests.Clip.Tokenizers;

/// <summary>
/// The Python string facilities under the tokenizers, string by string against CPython 3.11 / ftfy 6.3.1 /
/// open_clip's cleaning functions (text_cleaning.json), so a tokenizer mismatch can be traced to its step.
/// </summary>
public class TextCleaningTests
{
    private static readonly JsonElement Fixture = TokenizerFixtures.Load("text_cleaning.json");

    private static void Check(string key, Func<string, string> actual) =>
        ClipTokenizerTests.AssertAll(Fixture.GetProperty("cases"), c =>
        {
            var expected = c.GetProperty(key);
            if (expected.ValueKind == JsonValueKind.Null) return;
            Assert.Equal(expected.GetString(), actual(c.GetProperty("text").GetString()!));
        });

    [Fact] public void NfcEqualsPython() => Check("nfc", UnicodeNormalizer.Nfc);

    [Fact] public void NfdEqualsPython() => Check("nfd", UnicodeNormalizer.Nfd);

    [Fact] public void LowerEqualsPython() => Check("lower_py", PyStr.Lower);

    [Fact] public void HtmlUnescapeEqualsPython() => Check("unescape", HtmlUnescape.Unescape);

    [Fact]
    public void FtfyFixTextEqualsFtfyOnTheCorpus()
    {
        Assert.True(Fixture.GetProperty("real_ftfy").GetBoolean());
        Check("ftfy", ClipTextCleaner.FixText);
    }

    [Fact] public void BasicCleanEqualsOpenClip() => Check("basic_clean", ClipTextCleaner.BasicClean);

    [Fact] public void LowerCleanEqualsOpenClip() => Check("lower", t => ClipTextCleaner.Clean(t, ClipTextClean.Lower));

    [Fact] public void WhitespaceCleanEqualsOpenClip() => Check("whitespace", t => ClipTextCleaner.Clean(t, ClipTextClean.Whitespace));

    [Fact] public void CanonicalizeCleanEqualsOpenClip() => Check("canonicalize", t => ClipTextCleaner.Clean(t, ClipTextClean.Canonicalize));

    [Theory]
    [InlineData("ΟΔΟΣ", "οδος")]          // hand-worked from CPython's final-sigma rule: Σ after a cased letter at a word end
    [InlineData("ΟΔΟΣ.", "οδος.")]        // '.' is case-ignorable (MidNumLet)
    [InlineData("ΣΑΣ", "σας")]
    [InlineData("Σ", "σ")]                // nothing cased before it
    [InlineData("ΑΣΑ", "ασα")]            // cased letter after it
    [InlineData("İ", "i\u0307")]          // the one unconditional two-character lower-case mapping
    public void PythonLowerHandsWorkedCases(string input, string expected) => Assert.Equal(expected, PyStr.Lower(input));

    [Theory]
    [InlineData("e\u0301", "\u00e9")]
    [InlineData("\u1100\u1161\u11a8", "\uac01")]            // Hangul L V T composes algorithmically
    [InlineData("a\u0323\u0302", "\u1ead")]                  // ậ -> ậ (dot below first in canonical order)
    [InlineData("a\u0302\u0323", "\u1ead")]                  // reordered then composed
    [InlineData("\u0958", "\u0915\u093c")]                  // composition exclusion stays decomposed
    public void NfcHandWorkedCases(string input, string expected) => Assert.Equal(expected, UnicodeNormalizer.Nfc(input));

    [Theory]
    [InlineData("&amp;", "&")]
    [InlineData("&amp", "&")]                 // legacy name without ';'
    [InlineData("&ampx", "&x")]               // longest legacy prefix
    [InlineData("&#x41;&#66", "AB")]
    [InlineData("&#150;", "\u2013")]          // windows-1252 replacement for C1 references
    [InlineData("&#1;", "")]                  // invalid code point dropped
    [InlineData("&bogus;", "&bogus;")]
    [InlineData("&#xFFFFFFFFFFFFFFFF;", "\uFFFD")]
    public void HtmlUnescapeHandWorkedCases(string input, string expected) => Assert.Equal(expected, HtmlUnescape.Unescape(input));

    [Fact]
    public void PythonWhitespaceSplitIncludesFileSeparatorsButNotZeroWidthSpace()
    {
        Assert.Equal(["a", "b", "c\u200bd"], PyStr.SplitWhitespace("a\u001cb\u3000c\u200bd "));
        Assert.Equal("x y", PyStr.CollapseWhitespace("\t x \n\u00a0 y\u2029"));
    }
}
