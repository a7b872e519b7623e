using System.Text.Json;
using MedFM.Models.Clip.Tokenizers;
using MedFM.TestSupport;

namespace MedFM.Models.Tests.Clip.Tokenizers;

/// <summary>Fixture files of the tokenizer tests (written by tools/tokenizers/make_fixtures.py) and shared instances.</summary>
internal static class TokenizerFixtures
{
    private static readonly Lazy<ClipTokenizer> ClipLazy = new(() => ClipTokenizer.FromFile(ClipVocabularyPath));
    private static readonly Lazy<BertTokenizer> BertLazy = new(() => BertTokenizer.FromVocabTxt(Path("bert_vocab.txt")));

    public static string Path(string name) => RepoPaths.Fixture("tokenizers/" + name);

    public static JsonElement Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path(name)));
        return doc.RootElement.Clone();
    }

    /// <summary>
    /// OpenAI CLIP's merges file. It is not copied into the repository: it is read from the shared data folder
    /// beside the checkout (shared/data/clip/), or from tests/Fixtures/tokenizers/ if a copy is put there.
    /// </summary>
    public static string ClipVocabularyPath
    {
        get
        {
            const string name = "bpe_simple_vocab_16e6.txt.gz";
            string local = Path(name);
            if (File.Exists(local)) return local;
            string shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoPaths.Root, "..", "shared", "data", "clip", name));
            if (File.Exists(shared)) return shared;
            throw new FileNotFoundException($"CLIP's {name} is in neither tests/Fixtures/tokenizers/ nor ../shared/data/clip/", shared);
        }
    }

    public static ClipTokenizer Clip => ClipLazy.Value;

    public static BertTokenizer Bert => BertLazy.Value;

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>A row as the reference writes it (up to the end token) padded with zeros to the context length.</summary>
    public static long[] Padded(int[] row, int contextLength, long pad)
    {
        var full = Enumerable.Repeat(pad, contextLength).ToArray();
        for (int i = 0; i < row.Length; i++) full[i] = row[i];
        return full;
    }

    public static string Show(string text) => text.Length <= 60 ? JsonSerializer.Serialize(text) : JsonSerializer.Serialize(text[..60]) + "...";
}
