namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// A batch of tokenized texts, padded to one context length: what a text encoder takes as input.
/// Ids and AttentionMask are [Count, ContextLength], row-major.
/// </summary>
/// <param name="Ids">Token ids, row-major [Count, ContextLength]; padding positions hold the pad id.</param>
/// <param name="AttentionMask">1 where a real token (special tokens included) stands, 0 on padding.</param>
/// <param name="Lengths">Per row, the number of real tokens (the index of the last one plus one).</param>
/// <param name="Truncated">Per row, true when the text had more tokens than fit and was cut.</param>
/// <param name="ContextLength">The row length.</param>
public sealed record TokenBatch(long[] Ids, long[] AttentionMask, int[] Lengths, bool[] Truncated, int ContextLength)
{
    /// <summary>Number of rows (texts).</summary>
    public int Count => Lengths.Length;

    /// <summary>The ids of one row, padding included.</summary>
    public ReadOnlySpan<long> Row(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"row index must be in [0, {Count})");
        return Ids.AsSpan(index * ContextLength, ContextLength);
    }

    /// <summary>True when at least one row was truncated.</summary>
    public bool AnyTruncated => Array.IndexOf(Truncated, true) >= 0;

    /// <summary>
    /// Packs token-id rows (already wrapped in their special tokens and cut to fit) into a padded batch.
    /// </summary>
    internal static TokenBatch Pack(IReadOnlyList<int[]> rows, bool[] truncated, int contextLength, long padId)
    {
        int n = rows.Count;
        var ids = new long[n * contextLength];
        var mask = new long[n * contextLength];
        var lengths = new int[n];
        if (padId != 0) Array.Fill(ids, padId);
        for (int r = 0; r < n; r++)
        {
            var row = rows[r];
            if (row.Length > contextLength)
                throw new TokenizerException($"row {r} has {row.Length} tokens, more than the context length {contextLength}");
            int o = r * contextLength;
            for (int j = 0; j < row.Length; j++)
            {
                ids[o + j] = row[j];
                mask[o + j] = 1;
            }
            lengths[r] = row.Length;
        }
        return new TokenBatch(ids, mask, lengths, truncated, contextLength);
    }
}
