using System.IO.Compression;
using System.Text;
using MedFM.Models.Clip.Tokenizers.Text;

namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// The vocabulary and merge ranks of CLIP's byte-level BPE, built from a merges file such as
/// bpe_simple_vocab_16e6.txt.gz exactly as SimpleTokenizer.__init__ does (github:mlfoundations/open_clip
/// src/open_clip/tokenizer.py; github:openai/CLIP clip/simple_tokenizer.py): the file is split on '\n', its first
/// line (the "#version" header) is skipped and the next <c>mergeCount</c> lines (48,894 for CLIP) are the merges,
/// in rank order. The vocabulary is the 256 byte characters, the same with "&lt;/w&gt;", one concatenation per
/// merge, then the special tokens (&lt;start_of_text&gt;, &lt;end_of_text&gt;, then any additional ones).
/// </summary>
public sealed class BpeVocabulary
{
    /// <summary>Number of merges CLIP uses: 49,152 − 256 − 2.</summary>
    public const int ClipMergeCount = 49152 - 256 - 2;

    public const string StartOfText = "<start_of_text>";
    public const string EndOfText = "<end_of_text>";
    public const string EndOfWord = "</w>";

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _encoder;
    private readonly Dictionary<long, (int Rank, int Merged)> _merges;
    private readonly int[] _byteIds = new int[256];
    private readonly int[] _finalByteIds = new int[256];

    /// <summary>Special tokens in vocabulary order (start and end of text first).</summary>
    public IReadOnlyList<string> SpecialTokens { get; }

    /// <summary>Number of entries (ids run from 0 to Count − 1).</summary>
    public int Count => _tokens.Length;

    /// <summary>Number of merges read.</summary>
    public int MergeCount { get; }

    /// <summary>Id of &lt;start_of_text&gt;.</summary>
    public int StartOfTextId { get; }

    /// <summary>Id of &lt;end_of_text&gt;.</summary>
    public int EndOfTextId { get; }

    /// <summary>
    /// True when every merge comes after the merges that produce its two parts (true of CLIP's file). Then the
    /// heap-ordered BPE, O(n log n) in the word length, gives the same result as the reference's pass-by-pass loop.
    /// </summary>
    public bool IsRankOrdered { get; }

    private BpeVocabulary(List<string> tokens, List<(string Left, string Right)?> merges, IReadOnlyList<string> specials)
    {
        _tokens = tokens.ToArray();
        _encoder = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < _tokens.Length; i++) _encoder[_tokens[i]] = i;   // a repeated string keeps its last id, as dict(zip(...)) does
        for (int b = 0; b < 256; b++)
        {
            string c = ByteEncoder.Encode((byte)b).ToString();
            _byteIds[b] = _encoder[c];
            _finalByteIds[b] = _encoder[c + EndOfWord];
        }
        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            if (merges[rank] is not var (left, right)) continue;
            // A part that no merge or byte can produce never stands in a word: such a merge never applies.
            if (_encoder.TryGetValue(left, out int l) && _encoder.TryGetValue(right, out int r))
                _merges[Key(l, r)] = (rank, _encoder[left + right]);
        }
        IsRankOrdered = CheckRankOrder(merges);
        MergeCount = merges.Count;
        SpecialTokens = specials;
        StartOfTextId = _encoder[StartOfText];
        EndOfTextId = _encoder[EndOfText];
    }

    /// <summary>Reads a merges file (gzip-compressed or plain UTF-8 text).</summary>
    public static BpeVocabulary Load(string path, int mergeCount = ClipMergeCount, IReadOnlyList<string>? additionalSpecialTokens = null)
    {
        if (!File.Exists(path)) throw new TokenizerException(path, null, "BPE merges file not found");
        using var stream = File.OpenRead(path);
        return Load(stream, path, mergeCount, additionalSpecialTokens);
    }

    /// <summary>Reads a merges file from a stream; <paramref name="name"/> names it in errors.</summary>
    public static BpeVocabulary Load(Stream stream, string name, int mergeCount = ClipMergeCount, IReadOnlyList<string>? additionalSpecialTokens = null) =>
        Load(stream, name, mergeCount, additionalSpecialTokens, MaxTextBytes);

    /// <summary>Largest merges text accepted after decompression (CLIP's is 3.5 MB): a gzip bomb is refused, not inflated.</summary>
    internal const long MaxTextBytes = 256L << 20;

    internal static BpeVocabulary Load(Stream stream, string name, int mergeCount, IReadOnlyList<string>? additionalSpecialTokens, long maxTextBytes)
    {
        if (mergeCount < 0) throw new TokenizerException(name, null, $"merge count must be >= 0, got {mergeCount}");
        string text = ReadText(stream, name, maxTextBytes);
        string[] lines = text.Split('\n');
        if (!lines[0].Contains("#version", StringComparison.Ordinal))
            throw new TokenizerException(name, 1, $"expected a '#version' header line, found '{Clip(lines[0])}'");
        var merges = new List<(string, string)?>();
        int last = Math.Min(lines.Length - 1, mergeCount);
        for (int i = 1; i <= last; i++)
        {
            var parts = PyStr.SplitWhitespace(lines[i]);
            if (parts.Count == 2) { merges.Add((parts[0], parts[1])); continue; }
            // The file's final newline leaves an empty last piece; the reference turns it into an empty merge that
            // takes an id (the empty string) and never applies. Keep that so special-token ids agree.
            if (parts.Count == 0 && i == lines.Length - 1) { merges.Add(null); continue; }
            throw new TokenizerException(name, i + 1, $"expected two symbols separated by a space, found {parts.Count} in '{Clip(lines[i])}'");
        }
        var tokens = new List<string>(512 + merges.Count + 2);
        foreach (byte b in ByteEncoder.Order) tokens.Add(ByteEncoder.Encode(b).ToString());
        foreach (byte b in ByteEncoder.Order) tokens.Add(ByteEncoder.Encode(b) + EndOfWord);
        foreach (var m in merges) tokens.Add(m is var (l, r) ? l + r : "");
        var specials = new List<string> { StartOfText, EndOfText };
        if (additionalSpecialTokens is not null) specials.AddRange(additionalSpecialTokens);
        tokens.AddRange(specials);
        return new BpeVocabulary(tokens, merges, specials);
    }

    /// <summary>The id of a token string, if it is in the vocabulary.</summary>
    public bool TryGetId(string token, out int id) => _encoder.TryGetValue(token, out id);

    /// <summary>The string of an id.</summary>
    public string Token(int id)
    {
        if ((uint)id >= (uint)_tokens.Length)
            throw new TokenizerException($"token id {id} is outside the vocabulary [0, {_tokens.Length})");
        return _tokens[id];
    }

    /// <summary>Id of the single-byte symbol (not at the end of a word).</summary>
    internal int ByteId(byte b) => _byteIds[b];

    /// <summary>Id of the single-byte symbol that ends a word ("x&lt;/w&gt;").</summary>
    internal int FinalByteId(byte b) => _finalByteIds[b];

    /// <summary>Rank and result of merging two adjacent symbols, if that pair is a merge.</summary>
    internal bool TryGetMerge(int left, int right, out int rank, out int merged)
    {
        if (_merges.TryGetValue(Key(left, right), out var m)) { rank = m.Rank; merged = m.Merged; return true; }
        rank = merged = 0;
        return false;
    }

    private static bool CheckRankOrder(List<(string Left, string Right)?> merges)
    {
        var lastProducedAt = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int rank = 0; rank < merges.Count; rank++)
            if (merges[rank] is var (left, right))
                lastProducedAt[left + right] = rank;
        for (int rank = 0; rank < merges.Count; rank++)
        {
            if (merges[rank] is not var (left, right)) continue;
            if (lastProducedAt.TryGetValue(left, out int pl) && pl >= rank) return false;
            if (lastProducedAt.TryGetValue(right, out int pr) && pr >= rank) return false;
        }
        return true;
    }

    private static void CopyLimited(Stream from, MemoryStream to, long maxBytes, string name)
    {
        var chunk = new byte[81920];
        int n;
        while ((n = from.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (to.Length + n > maxBytes)
                throw new TokenizerException(name, null, $"BPE merges text is larger than {maxBytes} bytes");
            to.Write(chunk, 0, n);
        }
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "...";

    private static string ReadText(Stream stream, string name, long maxBytes)
    {
        var buffer = new MemoryStream();
        CopyLimited(stream, buffer, maxBytes, name);
        if (buffer.Length == 0) throw new TokenizerException(name, null, "BPE merges file is empty");
        var raw = buffer.GetBuffer();
        if (buffer.Length >= 2 && raw[0] == 0x1F && raw[1] == 0x8B)
        {
            var inflated = new MemoryStream();
            try
            {
                buffer.Position = 0;
                using var gzip = new GZipStream(buffer, CompressionMode.Decompress, leaveOpen: true);
                CopyLimited(gzip, inflated, maxBytes, name);
            }
            catch (InvalidDataException e)
            {
                throw new TokenizerException(name, null, "corrupt gzip stream: " + e.Message, e);
            }
            buffer = inflated;
        }
        return TextFiles.DecodeUtf8(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), name);
    }
}
