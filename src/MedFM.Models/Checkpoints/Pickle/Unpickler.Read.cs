using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace MedFM.Models.Checkpoints.Pickle;

/// <summary>Primitive reads of the pickle VM: fixed-width integers, counted bytes, protocol-0 text lines.</summary>
internal sealed partial class Unpickler
{
    private const int MaxLine = 1 << 20;
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private byte ReadByte()
    {
        if (_pos >= _end) throw Truncated(1);
        return _source.Span(_pos++, 1)[0];
    }

    private ReadOnlySpan<byte> ReadBytes(long n)
    {
        if (n < 0 || n > _end - _pos) throw Truncated(n);
        if (n > int.MaxValue) throw Error($"a {n}-byte value is too large");
        var span = _source.Span(_pos, (int)n);
        _pos += n;
        return span;
    }

    private ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2));

    private int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    private ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    private double ReadDoubleBigEndian() => BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8));

    /// <summary>A length field, checked against the bytes left so nothing is allocated for a hostile value.</summary>
    private long ReadLength(long n) => n < 0 || n > _end - _pos ? throw Truncated(n) : n;

    private long ReadLength(ulong n) => n > (ulong)(_end - _pos) ? throw Truncated(n > long.MaxValue ? long.MaxValue : (long)n) : (long)n;

    private CheckpointFormatException Truncated(long wanted) =>
        Error($"truncated: needs {wanted} more bytes, {_end - _pos} remain in the pickle");

    /// <summary>LONG1/LONG4: n bytes of little-endian two's complement.</summary>
    private object ReadLong(long n)
    {
        if (n < 0) throw Error($"negative integer length {n}");
        if (n > _limits.MaxLongBytes) throw Error($"a {n}-byte integer exceeds the limit of {_limits.MaxLongBytes} bytes");
        var bytes = ReadBytes(n);
        if (n == 0) return 0L;
        if (n <= 8)
        {
            long v = 0;
            for (int i = (int)n - 1; i >= 0; i--) v = (v << 8) | bytes[i];
            int shift = 64 - 8 * (int)n;
            return shift == 0 ? v : (v << shift) >> shift; // sign-extend
        }
        var big = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return big >= long.MinValue && big <= long.MaxValue ? (long)big : big;
    }

    /// <summary>A protocol-0 line without its newline, decoded as UTF-8 (Latin-1 when it is not valid UTF-8).</summary>
    private string ReadLine()
    {
        long limit = Math.Min(_end, _pos + MaxLine);
        for (long p = _pos; p < limit; p++)
        {
            if (_source.Span(p, 1)[0] != (byte)'\n') continue;
            var bytes = _source.Span(_pos, (int)(p - _pos));
            _pos = p + 1;
            try { return StrictUtf8.GetString(bytes); }
            catch (DecoderFallbackException) { return Encoding.Latin1.GetString(bytes); }
        }
        throw limit == _end ? Error("truncated: a text line has no terminating newline") : Error($"a text line is longer than {MaxLine} bytes");
    }

    private object ParseTextInt(string text, bool allowBool)
    {
        if (allowBool && text == "00") return false;
        if (allowBool && text == "01") return true;
        var t = text.AsSpan().Trim();
        int digits = t.Length - (t.Length > 0 && t[0] is '-' or '+' ? 1 : 0);
        if (digits > _limits.MaxIntegerDigits) throw Error($"an integer of {digits} digits exceeds the limit of {_limits.MaxIntegerDigits}");
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return l;
        if (BigInteger.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b)) return b;
        throw Error($"invalid integer literal '{Clip(text)}'");
    }

    private double ParseTextFloat(string text)
    {
        var t = text.Trim();
        if (t.Length > 400) throw Error("float literal too long");
        return t switch
        {
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            "nan" or "-nan" => double.NaN,
            _ => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw Error($"invalid float literal '{Clip(text)}'"),
        };
    }

    private int ParseMemoIndex(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : throw Error($"invalid memo index '{Clip(text)}'");

    private string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { throw Error("string is not valid UTF-8"); }
    }

    /// <summary>Python 2 str (BINSTRING): UTF-8 text as torch.load decodes it, or the raw bytes when it is not text.</summary>
    private static object DecodeBinString(ReadOnlySpan<byte> bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { return bytes.ToArray(); }
    }

    /// <summary>STRING: a Python 2 repr, quoted with ' or ", with backslash escapes.</summary>
    private object ParseQuotedString(string line)
    {
        if (line.Length < 2 || line[0] != line[^1] || line[0] is not ('\'' or '"')) throw Error("STRING argument is not quoted");
        var body = line[1..^1];
        var bytes = new List<byte>(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c != '\\' || i + 1 >= body.Length) { AppendChar(bytes, c); continue; }
            char e = body[++i];
            switch (e)
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case '0' or '1' or '2' or '3' or '4' or '5' or '6' or '7':
                    {
                        int v = 0, k = 0;
                        while (k < 3 && i < body.Length && body[i] is >= '0' and <= '7') { v = v * 8 + (body[i] - '0'); i++; k++; }
                        i--;
                        bytes.Add((byte)v);
                        break;
                    }
                case 'x' when i + 2 < body.Length && byte.TryParse(body.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hx):
                    bytes.Add(hx); i += 2; break;
                default: bytes.Add((byte)'\\'); AppendChar(bytes, e); break;
            }
        }
        return DecodeBinString(bytes.ToArray());
    }

    private static void AppendChar(List<byte> bytes, char c)
    {
        if (c < 0x80) bytes.Add((byte)c);
        else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
    }

    /// <summary>UNICODE: raw-unicode-escape (\uXXXX and \UXXXXXXXX escapes, other bytes as Latin-1).</summary>
    private string ParseRawUnicodeEscape(string line)
    {
        var sb = new StringBuilder(line.Length);
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is 'u' or 'U')
            {
                int n = line[i + 1] == 'u' ? 4 : 8;
                if (i + 2 + n > line.Length || !int.TryParse(line.AsSpan(i + 2, n), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int cp)
                    || cp < 0 || cp > 0x10FFFF)
                    throw Error("invalid \\u escape in UNICODE argument");
                sb.Append(char.ConvertFromUtf32(cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp));
                i += 1 + n;
            }
            else sb.Append(line[i]);
        }
        return sb.ToString();
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "..." : s;
}
