namespace MedFM.Imaging.Jpeg;

/// <summary>
/// A Huffman table from DHT (JPEG ITU-T T.81 Annex C): canonical codes built from BITS/HUFFVAL, decoded with a
/// 9-bit lookahead table and the maxcode/valptr procedure of Annex F.2.2.3 for longer codes.
/// </summary>
internal sealed class JpegHuffmanTable
{
    public const int LookaheadBits = 9;

    private readonly byte[] _values;
    private readonly int[] _maxCode = new int[18];   // per length 1..16; maxCode[17] sentinel
    private readonly int[] _valOffset = new int[17];
    /// <summary>Per 9-bit prefix: (length &lt;&lt; 8) | value, or 0 when the code is longer.</summary>
    public readonly ushort[] Lookahead = new ushort[1 << LookaheadBits];

    /// <summary>Builds the table; <paramref name="counts"/>[l] is the number of codes of length l + 1.</summary>
    public JpegHuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values, Func<string, Exception> error)
    {
        _values = values.ToArray();
        int code = 0, k = 0;
        for (int len = 1; len <= 16; len++)
        {
            int n = counts[len - 1];
            if (code + n > 1 << len) throw error($"Huffman table has more codes of length {len} than fit");
            _valOffset[len] = k - code;
            if (n > 0)
            {
                for (int i = 0; i < n; i++, k++, code++)
                {
                    if (len <= LookaheadBits)
                    {
                        int shift = LookaheadBits - len;
                        for (int fill = 0; fill < 1 << shift; fill++)
                            Lookahead[(code << shift) | fill] = (ushort)((len << 8) | _values[k]);
                    }
                }
                _maxCode[len] = code - 1;
            }
            else _maxCode[len] = -1;
            code <<= 1;
        }
        _maxCode[17] = int.MaxValue;
    }

    /// <summary>Decodes a code longer than the lookahead: <paramref name="bits"/> holds the next 16 bits (MSB first).</summary>
    public bool TryDecodeSlow(int bits16, out int length, out int value)
    {
        for (int len = LookaheadBits + 1; len <= 16; len++)
        {
            int code = bits16 >> (16 - len);
            if (code <= _maxCode[len])
            {
                int idx = _valOffset[len] + code;
                if ((uint)idx < (uint)_values.Length) { length = len; value = _values[idx]; return true; }
                break;
            }
        }
        length = 0; value = 0;
        return false;
    }
}
