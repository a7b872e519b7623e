using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MedFM.Tensors.IO;

/// <summary>
/// The header of a NumPy .npy file (numpy/lib/format.py, github.com/numpy/numpy): the magic "\x93NUMPY", a version
/// (1.0: 2-byte little-endian header length; 2.0 and 3.0: 4-byte; 3.0 allows UTF-8), then a Python dict literal
/// {'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces and a newline so the data starts
/// on a 64-byte boundary.
/// </summary>
public sealed record NpyHeader(int Major, int Minor, string Descr, bool FortranOrder, int[] Shape, int DataOffset,
    RawElementType ElementType, bool BigEndian)
{
    /// <summary>Headers larger than this are refused before they are read (numpy's own safe limit is 10,000 characters).</summary>
    public const int MaxHeaderLength = 1 << 20;

    private static readonly byte[] MagicBytes = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    internal static ReadOnlySpan<byte> Magic => MagicBytes;

    /// <summary>Bytes before the header text needed to know the header's length (10 or 12).</summary>
    public static int PreambleLength(ReadOnlySpan<byte> start, string file)
    {
        if (start.Length < 8 || !start[..6].SequenceEqual(Magic))
            throw new NpyFormatException(file, 0, "not a .npy file (expected the magic \\x93NUMPY)");
        int major = start[6];
        if (major is not (1 or 2 or 3) || start[7] != 0)
            throw new NpyFormatException(file, 6, $"unsupported .npy version {major}.{start[7]} (expected 1.0, 2.0 or 3.0)");
        return major == 1 ? 10 : 12;
    }

    /// <summary>Parses the header; <paramref name="data"/> must hold at least the whole header.</summary>
    public static NpyHeader Parse(ReadOnlySpan<byte> data, string file)
    {
        int pre = PreambleLength(data, file);
        if (data.Length < pre) throw new NpyFormatException(file, data.Length, "file ends inside the header length field");
        int major = data[6];
        long len = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(data[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (len > MaxHeaderLength)
            throw new NpyFormatException(file, 8, $"header length {len} exceeds the limit of {MaxHeaderLength} bytes");
        if (pre + len > data.Length)
            throw new NpyFormatException(file, 8, $"header length {len} runs past the end of the file ({data.Length} bytes)");
        string text;
        try { text = (major == 3 ? new UTF8Encoding(false, true) : Encoding.Latin1).GetString(data.Slice(pre, (int)len)); }
        catch (DecoderFallbackException) { throw new NpyFormatException(file, pre, "header is not valid UTF-8"); }
        var (descr, fortran, shape) = new HeaderParser(text, file, pre).ParseDict();
        var (type, bigEndian) = ParseDescr(descr, file, pre);
        return new NpyHeader(major, data[7], descr, fortran, shape, (int)(pre + len), type, bigEndian);
    }

    /// <summary>Maps a dtype string ('&lt;f4', '|b1', '>i8', ...) to an element type and byte order.</summary>
    private static (RawElementType, bool) ParseDescr(string descr, string file, int offset)
    {
        if (descr.Length < 3) throw new NpyFormatException(file, offset, $"unsupported dtype descr '{descr}'");
        char order = descr[0];
        bool big = order == '>';
        if (order is not ('<' or '>' or '|' or '='))
            throw new NpyFormatException(file, offset, $"unsupported dtype descr '{descr}' (expected a byte-order mark <, >, | or =)");
        RawElementType? t = descr[1..] switch
        {
            "f4" => RawElementType.Float32, "f8" => RawElementType.Float64, "f2" => RawElementType.Float16,
            "i8" => RawElementType.Int64, "i4" => RawElementType.Int32, "i2" => RawElementType.Int16, "i1" => RawElementType.Int8,
            "u1" => RawElementType.UInt8, "u2" => RawElementType.UInt16, "u4" => RawElementType.UInt32, "b1" => RawElementType.Bool,
            _ => null,
        };
        if (t is null)
            throw new NpyFormatException(file, offset, $"unsupported dtype descr '{descr}' (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 b1)");
        return (t.Value, big && t.Value.Size() > 1);
    }

    /// <summary>A recursive-descent reader for the header's dict literal: string keys, str/bool/int-tuple values.</summary>
    private ref struct HeaderParser(string text, string file, int baseOffset)
    {
        private int _pos;

        public (string Descr, bool Fortran, int[] Shape) ParseDict()
        {
            string? descr = null; bool? fortran = null; int[]? shape = null;
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}') { _pos++; break; }
                string key = ParseString();
                Expect(':');
                switch (key)
                {
                    case "descr": descr = Once(descr, key, ParseString()); break;
                    case "fortran_order": fortran = Once(fortran, key, ParseBool()); break;
                    case "shape": shape = Once(shape, key, ParseShape()); break;
                    default: throw Error($"unexpected header key '{key}' (expected descr, fortran_order, shape)");
                }
                SkipSpace();
                if (Peek() == ',') { _pos++; continue; }
                Expect('}');
                break;
            }
            if (descr is null || fortran is null || shape is null)
                throw Error("header lacks one of the keys descr, fortran_order, shape");
            return (descr, fortran.Value, shape);
        }

        private T Once<T>(T? existing, string key, T value) => existing is null ? value : throw Error($"header repeats the key '{key}'");

        private string ParseString()
        {
            SkipSpace();
            char q = Peek();
            if (q is not ('\'' or '"')) throw Error("expected a quoted string");
            int end = text.IndexOf(q, _pos + 1);
            if (end < 0) throw Error("unterminated string");
            var s = text.Substring(_pos + 1, end - _pos - 1);
            _pos = end + 1;
            return s;
        }

        private bool ParseBool()
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _pos, "True", 0, 4) == 0) { _pos += 4; return true; }
            if (string.CompareOrdinal(text, _pos, "False", 0, 5) == 0) { _pos += 5; return false; }
            throw Error("expected True or False for fortran_order");
        }

        private int[] ParseShape()
        {
            Expect('(');
            var dims = new List<int>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')') { _pos++; break; }
                int start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                if (_pos == start || _pos - start > 12) throw Error("expected a non-negative dimension in shape");
                if (!int.TryParse(text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out int d))
                    throw Error($"dimension {text[start.._pos]} is larger than {int.MaxValue}");
                if (_pos < text.Length && text[_pos] == 'L') _pos++; // Python 2 long suffix
                dims.Add(d);
                if (dims.Count > 64) throw Error("shape has more than 64 dimensions");
                SkipSpace();
                if (Peek() == ',') { _pos++; continue; }
                Expect(')');
                break;
            }
            return dims.ToArray();
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c) throw Error($"expected '{c}'");
            _pos++;
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipSpace() { while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\n' or '\r') _pos++; }

        private NpyFormatException Error(string what) =>
            new(file, baseOffset + _pos, $"bad header dict at character {_pos}: {what}: {Excerpt()}");

        private string Excerpt() => text.Length <= 120 ? text.TrimEnd() : text[..120] + "...";
    }
}
