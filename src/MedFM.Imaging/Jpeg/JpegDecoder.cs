using System.Buffers.Binary;

namespace MedFM.Imaging.Jpeg;

/// <summary>
/// Parses the marker structure of a JPEG (ITU-T T.81) and drives the scans: baseline and extended sequential
/// Huffman (SOF0/SOF1) and progressive Huffman (SOF2), 8-bit, restart intervals, any integral sampling factors.
/// One instance decodes one image.
/// </summary>
internal sealed partial class JpegDecoder
{
    internal static readonly int[] ZigZag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
        28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
        54, 47, 55, 62, 63,
        // guard entries for corrupt run lengths (as libjpeg's jpeg_natural_order)
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
    ];

    private readonly byte[] _data;
    private readonly string? _name;
    private readonly ushort[]?[] _quant = new ushort[4][];
    private readonly JpegHuffmanTable?[] _dcTables = new JpegHuffmanTable[4], _acTables = new JpegHuffmanTable[4];
    private int _restartInterval;
    private bool _jfif;
    private int? _adobeTransform;
    private JpegComponent[] _components = [];
    private JpegHeader? _header;
    private int _hmax, _vmax, _mcusPerLine, _mcusPerColumn;
    private int _eobRun;
    private int _scans;

    public JpegDecoder(byte[] data, string? name) { _data = data; _name = name; }

    public JpegHeader Header => _header ?? throw Error(_data.Length, "no frame header (SOF) before the end of the file");

    internal JpegFormatException Error(long offset, string detail) => new(_name, offset, detail);

    /// <summary>Reads markers up to the frame header (headerOnly) or to EOI, decoding every scan.</summary>
    public void Run(bool headerOnly)
    {
        if (_data.Length < 2 || _data[0] != 0xFF || _data[1] != 0xD8) throw Error(0, "the SOI marker (FF D8) is missing");
        int pos = 2;
        while (true)
        {
            if (pos >= _data.Length)
            {
                if (_scans > 0) return; // a missing EOI after complete scans is tolerated (libjpeg warns)
                throw Error(pos, "file ends before any image data");
            }
            if (_data[pos] != 0xFF) throw Error(pos, $"expected a marker (FF xx), found byte {_data[pos]:X2}");
            while (pos + 1 < _data.Length && _data[pos + 1] == 0xFF) pos++;
            if (pos + 1 >= _data.Length) throw Error(pos, "file ends inside a marker");
            int marker = _data[pos + 1];
            int at = pos;
            pos += 2;
            if (marker == 0xD9) { if (_scans == 0 && !headerOnly) throw Error(at, "EOI before any scan"); return; }
            if (marker is >= 0xD0 and <= 0xD7 || marker == 0x01) continue; // stray RSTn / TEM: no payload
            if (marker == 0xD8) throw Error(at, "a second SOI marker");
            int length = SegmentLength(pos, at, marker);
            var seg = _data.AsSpan(pos + 2, length - 2);
            switch (marker)
            {
                case 0xC0 or 0xC1 or 0xC2: ReadFrame(seg, pos + 2, marker - 0xC0); if (headerOnly) return; break;
                case 0xC3 or 0xC5 or 0xC6 or 0xC7 or 0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF:
                    throw new UnsupportedImageFeatureException("JPEG", _name, at,
                        $"frame type SOF{marker - 0xC0} ({FrameKind(marker)}) is not supported: only baseline, extended and progressive Huffman");
                case 0xCC: throw new UnsupportedImageFeatureException("JPEG", _name, at, "arithmetic coding (DAC) is not supported");
                case 0xC4: ReadHuffman(seg, pos + 2); break;
                case 0xDB: ReadQuant(seg, pos + 2); break;
                case 0xDD:
                    if (seg.Length < 2) throw Error(pos, "DRI segment is too short");
                    _restartInterval = BinaryPrimitives.ReadUInt16BigEndian(seg);
                    break;
                case 0xDC: throw new UnsupportedImageFeatureException("JPEG", _name, at, "DNL (height defined after the first scan) is not supported");
                case 0xE0: if (seg.Length >= 5 && seg[..5].SequenceEqual("JFIF\0"u8)) _jfif = true; break;
                case 0xEE: if (seg.Length >= 12 && seg[..5].SequenceEqual("Adobe"u8)) _adobeTransform = seg[11]; break;
                case 0xDA:
                    pos = ReadScan(seg, pos + 2, pos + length);
                    _scans++;
                    continue;
            }
            pos += length;
        }
    }

    private static string FrameKind(int marker) => marker switch
    {
        0xC3 => "lossless",
        0xC5 or 0xC6 or 0xC7 => "hierarchical",
        _ => "arithmetic coding",
    };

    private int SegmentLength(int pos, int markerAt, int marker)
    {
        if (pos + 2 > _data.Length) throw Error(pos, $"file ends inside the length of marker FF{marker:X2}");
        int length = BinaryPrimitives.ReadUInt16BigEndian(_data.AsSpan(pos));
        if (length < 2) throw Error(pos, $"segment length {length} of marker FF{marker:X2} is below 2");
        if (pos + length > _data.Length)
            throw Error(markerAt, $"segment FF{marker:X2} of {length} bytes runs past the end of the file ({_data.Length} bytes)");
        return length;
    }

    private void ReadQuant(ReadOnlySpan<byte> s, int at)
    {
        int p = 0;
        while (p < s.Length)
        {
            int pq = s[p] >> 4, tq = s[p] & 15;
            if (pq > 1 || tq > 3) throw Error(at + p, $"DQT precision {pq} / table {tq}: expected 0..1 / 0..3");
            int need = 1 + 64 * (pq + 1);
            if (p + need > s.Length) throw Error(at + p, "DQT segment ends inside a table");
            var table = new ushort[64];
            for (int k = 0; k < 64; k++)
                table[ZigZag[k]] = pq == 0 ? s[p + 1 + k] : BinaryPrimitives.ReadUInt16BigEndian(s[(p + 1 + 2 * k)..]);
            _quant[tq] = table;
            p += need;
        }
    }

    private void ReadHuffman(ReadOnlySpan<byte> s, int at)
    {
        int p = 0;
        while (p < s.Length)
        {
            if (p + 17 > s.Length) throw Error(at + p, "DHT segment ends inside a table header");
            int tc = s[p] >> 4, th = s[p] & 15;
            if (tc > 1 || th > 3) throw Error(at + p, $"DHT class {tc} / table {th}: expected 0..1 / 0..3");
            var counts = s.Slice(p + 1, 16);
            int total = 0;
            foreach (var c in counts) total += c;
            if (total > 256 || p + 17 + total > s.Length) throw Error(at + p, $"DHT declares {total} codes, more than the segment or 256 allow");
            int tableAt = at + p;
            var table = new JpegHuffmanTable(counts, s.Slice(p + 17, total), d => Error(tableAt, d));
            (tc == 0 ? _dcTables : _acTables)[th] = table;
            p += 17 + total;
        }
    }
}
