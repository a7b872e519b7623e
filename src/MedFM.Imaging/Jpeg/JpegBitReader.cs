namespace MedFM.Imaging.Jpeg;

/// <summary>
/// Reads entropy-coded bits MSB first, removing 0xFF00 stuffing. At a marker or the end of the data it supplies
/// zero bits, but consuming any of them means the scan ended early: that is reported as a format error.
/// </summary>
internal sealed class JpegBitReader
{
    private readonly byte[] _data;
    private readonly string? _name;
    private int _pos;
    private ulong _buf;
    private int _count;
    private int _fakeBytes;
    private bool _atMarker;

    public JpegBitReader(byte[] data, int start, string? name) { _data = data; _pos = start; _name = name; }

    /// <summary>Position of the next unread byte (at the marker that ended the scan, once reached).</summary>
    public int Position => _pos;

    private void Fill()
    {
        while (_count <= 56)
        {
            int b = 0;
            if (!_atMarker && _pos < _data.Length)
            {
                b = _data[_pos];
                if (b == 0xFF)
                {
                    int next = _pos + 1 < _data.Length ? _data[_pos + 1] : -1;
                    if (next == 0x00) _pos += 2;
                    else if (next == 0xFF) { _pos++; continue; } // fill byte before a marker
                    else { _atMarker = true; b = 0; _fakeBytes++; }
                }
                else _pos++;
            }
            else _fakeBytes++;
            _buf |= (ulong)b << (56 - _count);
            _count += 8;
        }
    }

    private void CheckOverrun()
    {
        if (_count < 8 * _fakeBytes)
            throw new JpegFormatException(_name, _pos, "entropy-coded data ends before the scan is complete (truncated or corrupt file)");
    }

    public int GetBits(int n)
    {
        if (n == 0) return 0;
        if (_count < n) Fill();
        int v = (int)(_buf >> (64 - n));
        _buf <<= n;
        _count -= n;
        CheckOverrun();
        return v;
    }

    public int GetBit() => GetBits(1);

    /// <summary>Reads n bits and sign-extends them as a JPEG magnitude category value (T.81 F.2.2.1 EXTEND).</summary>
    public int Receive(int n)
    {
        if (n == 0) return 0;
        if (n > 16) throw new JpegFormatException(_name, _pos, $"coefficient magnitude category {n} exceeds 16");
        int v = GetBits(n);
        return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
    }

    public int Decode(JpegHuffmanTable table)
    {
        if (_count < 16) Fill();
        int e = table.Lookahead[(int)(_buf >> (64 - JpegHuffmanTable.LookaheadBits))];
        if (e != 0)
        {
            int len = e >> 8;
            _buf <<= len;
            _count -= len;
            CheckOverrun();
            return e & 0xFF;
        }
        if (!table.TryDecodeSlow((int)(_buf >> 48), out int length, out int value))
            throw new JpegFormatException(_name, _pos, "invalid Huffman code in entropy-coded data");
        _buf <<= length;
        _count -= length;
        CheckOverrun();
        return value;
    }

    /// <summary>At a restart interval's end: drop buffered bits and step over the RSTn marker that must follow.</summary>
    public void Restart(int expectedIndex)
    {
        _buf = 0; _count = 0; _fakeBytes = 0; _atMarker = false;
        // Skip to the next marker (normally already there: only padding bits remained).
        while (_pos + 1 < _data.Length && !(_data[_pos] == 0xFF && _data[_pos + 1] != 0x00 && _data[_pos + 1] != 0xFF)) _pos++;
        if (_pos + 1 >= _data.Length)
            throw new JpegFormatException(_name, _pos, $"file ends where restart marker RST{expectedIndex} was expected");
        int marker = _data[_pos + 1];
        if (marker is < 0xD0 or > 0xD7)
            throw new JpegFormatException(_name, _pos, $"expected restart marker RST{expectedIndex}, found marker FF{marker:X2}");
        _pos += 2;
    }
}
