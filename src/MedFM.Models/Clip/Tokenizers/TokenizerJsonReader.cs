using System.Text.Json;

namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// Reads the WordPiece parts of a Hugging Face tokenizer.json (the serialization of github:huggingface/tokenizers):
/// "model" (type WordPiece: vocab, unk_token, continuing_subword_prefix, max_input_chars_per_word), "normalizer"
/// (BertNormalizer flags: clean_text, handle_chinese_chars, strip_accents, lowercase), "added_tokens", and the
/// [CLS]/[SEP] of a TemplateProcessing or BertProcessing "post_processor" and the pad token of "padding".
/// Other model types and normalizers are rejected with the JSON path at fault.
/// </summary>
public static class TokenizerJsonReader
{
    /// <summary>Reads a tokenizer.json file.</summary>
    public static (WordPieceVocabulary Vocabulary, BertTokenizerOptions Options) Read(string path, BertTokenizerOptions? defaults = null)
    {
        if (!File.Exists(path)) throw new TokenizerException(path, null, "tokenizer.json not found");
        using var stream = File.OpenRead(path);
        return Read(stream, path, defaults);
    }

    /// <summary>Reads tokenizer.json from a stream; <paramref name="name"/> names it in errors.</summary>
    public static (WordPieceVocabulary Vocabulary, BertTokenizerOptions Options) Read(Stream stream, string name, BertTokenizerOptions? defaults = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new TokenizerException(name, (int?)(e.LineNumber + 1), "invalid JSON: " + e.Message, e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Error(name, "$", "expected an object");
            var model = Property(root, "model", JsonValueKind.Object, name, "$");
            string type = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            if (type != "WordPiece") throw Error(name, "$.model.type", $"expected \"WordPiece\", found \"{type}\"");
            if (root.TryGetProperty("pre_tokenizer", out var pre) && pre.ValueKind == JsonValueKind.Object
                && OptionalString(pre, "type", name, "$.pre_tokenizer") is { } preType && preType != "BertPreTokenizer")
                throw Error(name, "$.pre_tokenizer.type", $"only \"BertPreTokenizer\" is supported, found \"{preType}\"");
            var options = defaults ?? new BertTokenizerOptions();
            options = options with
            {
                UnknownToken = OptionalString(model, "unk_token", name, "$.model") ?? options.UnknownToken,
                ContinuingSubwordPrefix = OptionalString(model, "continuing_subword_prefix", name, "$.model") ?? options.ContinuingSubwordPrefix,
                MaxInputCharsPerWord = OptionalInt(model, "max_input_chars_per_word", name, "$.model") ?? options.MaxInputCharsPerWord,
            };
            options = ReadNormalizer(root, options, name);
            options = ReadSpecialTokens(root, options, name);
            var vocab = ReadVocab(root, model, name);
            return (WordPieceVocabulary.FromDictionary(vocab, options.UnknownToken, name), options);
        }
    }

    private static Dictionary<string, int> ReadVocab(JsonElement root, JsonElement model, string name)
    {
        var vocabElement = Property(model, "vocab", JsonValueKind.Object, name, "$.model");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id))
                throw Error(name, $"$.model.vocab[\"{entry.Name}\"]", "expected an integer id");
            vocab[entry.Name] = id;
        }
        // Added tokens live outside model.vocab in general; BERT's are also inside it with the same ids.
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var token in added.EnumerateArray())
            {
                string path = $"$.added_tokens[{i++}]";
                string content = OptionalString(token, "content", name, path) ?? throw Error(name, path, "missing \"content\"");
                int id = OptionalInt(token, "id", name, path) ?? throw Error(name, path, "missing \"id\"");
                if (vocab.TryGetValue(content, out int existing) && existing != id)
                    throw Error(name, path, $"'{content}' has id {id} here but {existing} in model.vocab");
                vocab[content] = id;
            }
        }
        return vocab;
    }

    private static BertTokenizerOptions ReadNormalizer(JsonElement root, BertTokenizerOptions options, string name)
    {
        if (!root.TryGetProperty("normalizer", out var n) || n.ValueKind == JsonValueKind.Null)
            return options with { CleanText = false, TokenizeChineseChars = false, LowerCase = false, StripAccents = false };
        string type = OptionalString(n, "type", name, "$.normalizer") ?? "";
        if (type != "BertNormalizer") throw Error(name, "$.normalizer.type", $"only \"BertNormalizer\" is supported, found \"{type}\"");
        bool? strip = null;
        if (n.TryGetProperty("strip_accents", out var s) && s.ValueKind != JsonValueKind.Null)
            strip = s.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Error(name, "$.normalizer.strip_accents", "expected true, false or null"),
            };
        return options with
        {
            CleanText = OptionalBool(n, "clean_text", name) ?? true,
            TokenizeChineseChars = OptionalBool(n, "handle_chinese_chars", name) ?? true,
            LowerCase = OptionalBool(n, "lowercase", name) ?? true,
            StripAccents = strip,
        };
    }

    private static BertTokenizerOptions ReadSpecialTokens(JsonElement root, BertTokenizerOptions options, string name)
    {
        if (root.TryGetProperty("post_processor", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            string type = OptionalString(p, "type", name, "$.post_processor") ?? "";
            if (type == "BertProcessing")
            {
                options = options with { ClsToken = PairName(p, "cls", name), SepToken = PairName(p, "sep", name) };
            }
            else if (type == "TemplateProcessing" && p.TryGetProperty("single", out var single) && single.ValueKind == JsonValueKind.Array)
            {
                var specials = single.EnumerateArray()
                    .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("SpecialToken", out _))
                    .Select(e => e.GetProperty("SpecialToken").TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : null)
                    .ToList();
                if (specials.Count != 2 || specials[0] is null || specials[1] is null)
                    throw Error(name, "$.post_processor.single", "expected one special token before and one after the sequence");
                options = options with { ClsToken = specials[0]!, SepToken = specials[1]! };
            }
        }
        if (root.TryGetProperty("padding", out var pad) && pad.ValueKind == JsonValueKind.Object)
            options = options with { PadToken = OptionalString(pad, "pad_token", name, "$.padding") ?? options.PadToken };
        return options;
    }

    private static string PairName(JsonElement processor, string key, string name)
    {
        if (processor.TryGetProperty(key, out var pair) && pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
            && pair[0].ValueKind == JsonValueKind.String)
            return pair[0].GetString()!;
        throw Error(name, $"$.post_processor.{key}", "expected [token, id]");
    }

    private static JsonElement Property(JsonElement obj, string key, JsonValueKind kind, string name, string path)
    {
        if (!obj.TryGetProperty(key, out var value)) throw Error(name, $"{path}.{key}", "missing");
        if (value.ValueKind != kind) throw Error(name, $"{path}.{key}", $"expected {kind}, found {value.ValueKind}");
        return value;
    }

    private static string? OptionalString(JsonElement obj, string key, string name, string path)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Error(name, $"{path}.{key}", $"expected a string, found {v.ValueKind}");
    }

    private static int? OptionalInt(JsonElement obj, string key, string name, string path)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw Error(name, $"{path}.{key}", "expected an integer");
    }

    private static bool? OptionalBool(JsonElement obj, string key, string name)
    {
        if (!obj.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(name, $"$.normalizer.{key}", "expected true or false"),
        };
    }

    private static TokenizerException Error(string file, string jsonPath, string detail) => new(file, null, $"{jsonPath}: {detail}");
}
