using System.Collections.Concurrent;

namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// Byte-level BPE of one pre-token, as SimpleTokenizer.bpe (github:mlfoundations/open_clip
/// src/open_clip/tokenizer.py): the word's byte characters, the last one carrying "&lt;/w&gt;", are merged pair by
/// pair, always the adjacent pair of lowest rank, every occurrence of it left to right, until no ranked pair is left.
/// Results are cached per word (bounded, so hostile input cannot grow it without limit). Thread-safe.
/// </summary>
public sealed class BytePairEncoder
{
    /// <summary>Words up to this many symbols use the reference's pass-by-pass loop; longer ones a heap.</summary>
    private const int LinearLimit = 64;
    private const int CacheLimit = 100_000;

    private readonly BpeVocabulary _vocab;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    public BytePairEncoder(BpeVocabulary vocabulary)
    {
        _vocab = vocabulary;
        foreach (var special in vocabulary.SpecialTokens)
            if (vocabulary.TryGetId(special, out int id)) _cache[special] = [id];
    }

    /// <summary>When true, every word uses the reference's loop (tests compare both paths).</summary>
    internal bool ForcePassByPass { get; init; }

    /// <summary>Token ids of one pre-token given as its byte characters (or a special token).</summary>
    public int[] Encode(string byteWord)
    {
        if (_cache.TryGetValue(byteWord, out var cached)) return cached;
        var ids = Merge(byteWord);
        if (_cache.Count >= CacheLimit) _cache.Clear();
        _cache[byteWord] = ids;
        return ids;
    }

    private int[] Merge(string byteWord)
    {
        int n = byteWord.Length;
        if (n == 0) return [];
        var symbols = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (!ByteEncoder.TryDecode(byteWord[i], out byte b))
                throw new TokenizerException($"character U+{(int)byteWord[i]:X4} is not a byte-level BPE symbol");
            symbols[i] = i == n - 1 ? _vocab.FinalByteId(b) : _vocab.ByteId(b);
        }
        if (n == 1) return symbols;
        return n <= LinearLimit || !_vocab.IsRankOrdered || ForcePassByPass ? MergePassByPass(symbols) : MergeWithHeap(symbols);
    }

    /// <summary>The reference loop: find the lowest-ranked pair, merge all its occurrences left to right, repeat.</summary>
    private int[] MergePassByPass(int[] word)
    {
        int n = word.Length;
        var next = new int[n];
        while (n > 1)
        {
            int bestRank = int.MaxValue, first = 0, second = 0, merged = 0;
            for (int i = 0; i + 1 < n; i++)
            {
                if (_vocab.TryGetMerge(word[i], word[i + 1], out int rank, out int m) && rank < bestRank)
                {
                    bestRank = rank; first = word[i]; second = word[i + 1]; merged = m;
                }
            }
            if (bestRank == int.MaxValue) break;
            int w = 0;
            for (int i = 0; i < n;)
            {
                if (word[i] == first && i + 1 < n && word[i + 1] == second) { next[w++] = merged; i += 2; }
                else next[w++] = word[i++];
            }
            (word, next) = (next, word);
            n = w;
        }
        return word.AsSpan(0, n).ToArray();
    }

    /// <summary>
    /// The same merges in O(n log n): a linked list of symbols and a heap of candidate pairs keyed by (rank,
    /// position). Equivalent to the pass-by-pass loop when merges are rank-ordered (a pair created by a merge always
    /// ranks after it), which <see cref="BpeVocabulary.IsRankOrdered"/> checks.
    /// </summary>
    private int[] MergeWithHeap(int[] word)
    {
        int n = word.Length;
        var prev = new int[n];
        var next = new int[n];
        for (int i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; }
        var heap = new PriorityQueue<(int Pos, int Left, int Right, int Merged), (int Rank, int Pos)>(n);
        for (int i = 0; i + 1 < n; i++) Push(heap, word, i, i + 1);
        int alive = n;
        while (heap.TryDequeue(out var c, out _))
        {
            int q = next[c.Pos];
            if (word[c.Pos] != c.Left || q < 0 || word[q] != c.Right) continue;   // stale entry
            word[c.Pos] = c.Merged;
            word[q] = -1;
            next[c.Pos] = next[q];
            if (next[q] >= 0) prev[next[q]] = c.Pos;
            alive--;
            if (prev[c.Pos] >= 0) Push(heap, word, prev[c.Pos], c.Pos);
            if (next[c.Pos] >= 0) Push(heap, word, c.Pos, next[c.Pos]);
        }
        var result = new int[alive];
        for (int i = 0, k = 0; i >= 0 && k < alive; i = next[i]) result[k++] = word[i];
        return result;
    }

    private void Push(PriorityQueue<(int, int, int, int), (int, int)> heap, int[] word, int left, int right)
    {
        if (_vocab.TryGetMerge(word[left], word[right], out int rank, out int merged))
            heap.Enqueue((left, word[left], word[right], merged), (rank, left));
    }
}
