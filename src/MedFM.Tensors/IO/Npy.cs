using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MedFM.Tensors.IO;

/// <summary>
/// NumPy .npy files (format reference: numpy/lib/format.py, github.com/numpy/numpy). Reads versions 1.0/2.0/3.0,
/// dtypes f2/f4/f8, i1/i2/i4/i8, u1/u2/u4, b1 in either byte order, C or Fortran order; writes float32 and int64 in
/// C order with the same header numpy writes (version 1.0, 64-byte alignment, growth padding), atomically.
/// </summary>
public static class Npy
{
    /// <summary>Reads a whole .npy file. A hostile shape is caught before any allocation by comparing it with the file length.</summary>
    public static NpyArray Read(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var h = ReadHeader(fs, path);
        long bytes = DataBytes(h, fs.Length, path);
        fs.Position = h.DataOffset;
        // The common case (little-endian float32/int64, C order) reads straight into the result array.
        if (!h.FortranOrder && !h.BigEndian && h.ElementType is RawElementType.Float32 or RawElementType.Int64)
        {
            int n = (int)(bytes / h.ElementType.Size());
            if (h.ElementType == RawElementType.Float32)
            {
                var f = new float[n];
                ReadExactly(fs, MemoryMarshal.AsBytes(f.AsSpan()), h, path);
                return new NpyArray(h, f, null);
            }
            var l = new long[n];
            ReadExactly(fs, MemoryMarshal.AsBytes(l.AsSpan()), h, path);
            return new NpyArray(h, null, l);
        }
        var raw = new byte[bytes];
        ReadExactly(fs, raw, h, path);
        return Decode(h, raw);
    }

    /// <summary>Reads a .npy image held in memory; <paramref name="name"/> names it in errors.</summary>
    public static NpyArray Read(ReadOnlySpan<byte> data, string name = "<memory>")
    {
        var h = NpyHeader.Parse(data, name);
        long bytes = DataBytes(h, data.Length, name);
        return Decode(h, data.Slice(h.DataOffset, (int)bytes));
    }

    /// <summary>Reads only the header (dtype, shape, order) of a .npy file.</summary>
    public static NpyHeader ReadHeader(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        return ReadHeader(fs, path);
    }

    /// <summary>Writes a float32 array in C order ('&lt;f4'), through a temporary file and a rename.</summary>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<int> shape) =>
        WriteBytes(path, Header("<f4", shape, data.Length), MemoryMarshal.AsBytes(data));

    /// <summary>Writes an int64 array in C order ('&lt;i8'), through a temporary file and a rename.</summary>
    public static void Write(string path, ReadOnlySpan<long> data, ReadOnlySpan<int> shape) =>
        WriteBytes(path, Header("<i8", shape, data.Length), MemoryMarshal.AsBytes(data));

    /// <summary>The bytes of a float32 .npy file, as <see cref="Write(string, ReadOnlySpan{float}, ReadOnlySpan{int})"/> writes them.</summary>
    public static byte[] Encode(ReadOnlySpan<float> data, ReadOnlySpan<int> shape) => Concat(Header("<f4", shape, data.Length), MemoryMarshal.AsBytes(data));

    /// <summary>The bytes of an int64 .npy file.</summary>
    public static byte[] Encode(ReadOnlySpan<long> data, ReadOnlySpan<int> shape) => Concat(Header("<i8", shape, data.Length), MemoryMarshal.AsBytes(data));

    private static NpyHeader ReadHeader(FileStream fs, string path)
    {
        Span<byte> pre = stackalloc byte[12];
        int got = ReadUpTo(fs, pre);
        int preLen = NpyHeader.PreambleLength(pre[..got], path);
        if (got < preLen) throw new NpyFormatException(path, got, "file ends inside the header length field");
        long len = preLen == 10 ? BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(pre[8..]);
        if (len > NpyHeader.MaxHeaderLength)
            throw new NpyFormatException(path, 8, $"header length {len} exceeds the limit of {NpyHeader.MaxHeaderLength} bytes");
        if (preLen + len > fs.Length)
            throw new NpyFormatException(path, 8, $"header length {len} runs past the end of the file ({fs.Length} bytes)");
        var head = new byte[preLen + len];
        pre[..preLen].CopyTo(head);
        fs.Position = preLen;
        fs.ReadExactly(head, preLen, (int)len);
        return NpyHeader.Parse(head, path);
    }

    /// <summary>The data size the header promises, checked against what the file holds.</summary>
    private static long DataBytes(NpyHeader h, long fileLength, string file)
    {
        long count = RawElements.ElementCount(h.Shape);
        long bytes = count < 0 ? -1 : count > long.MaxValue / h.ElementType.Size() ? -1 : count * h.ElementType.Size();
        if (bytes < 0) throw new NpyFormatException(file, h.DataOffset, $"shape ({string.Join(", ", h.Shape)}) is too large");
        if (bytes > fileLength - h.DataOffset)
            throw new NpyFormatException(file, h.DataOffset,
                $"truncated: shape ({string.Join(", ", h.Shape)}) of '{h.Descr}' needs {bytes} data bytes, the file holds {fileLength - h.DataOffset}");
        if (count > Array.MaxLength)
            throw new NpyFormatException(file, h.DataOffset, $"{count} elements exceed the largest array .NET can hold");
        return bytes;
    }

    private static NpyArray Decode(NpyHeader h, ReadOnlySpan<byte> raw)
    {
        int count = (int)RawElements.ElementCount(h.Shape);
        byte[]? gathered = null;
        if (h.FortranOrder && h.Shape.Length > 1)
        {
            gathered = new byte[raw.Length];
            RawElements.Gather(raw, h.ElementType.Size(), h.Shape, FortranStrides(h.Shape), 0, gathered);
            raw = gathered;
        }
        if (h.ElementType.IsFloatingPoint() || h.ElementType == RawElementType.Bool)
        {
            var f = new float[count];
            RawElements.ToFloat32(raw, h.ElementType, h.BigEndian, f);
            return new NpyArray(h, f, null);
        }
        var l = new long[count];
        RawElements.ToInt64(raw, h.ElementType, h.BigEndian, l);
        return new NpyArray(h, null, l);
    }

    private static long[] FortranStrides(int[] shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (int i = 0; i < shape.Length; i++) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    /// <summary>numpy's header: sorted dict keys, growth padding, space padding and a newline to a 64-byte boundary.</summary>
    private static byte[] Header(string descr, ReadOnlySpan<int> shape, int length)
    {
        long count = RawElements.ElementCount(shape);
        if (count != length) throw new ArgumentException($"shape ({string.Join(", ", shape.ToArray())}) holds {count} elements, the data {length}");
        var sb = new StringBuilder("{'descr': '").Append(descr).Append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.Length; i++)
            sb.Append(shape[i].ToString(CultureInfo.InvariantCulture)).Append(shape.Length == 1 ? "," : i + 1 < shape.Length ? ", " : "");
        sb.Append("), }");
        if (shape.Length > 0) sb.Append(' ', 21 - shape[0].ToString(CultureInfo.InvariantCulture).Length);
        var text = Encoding.ASCII.GetBytes(sb.ToString());
        foreach (int pre in (ReadOnlySpan<int>)[10, 12])
        {
            int hlen = text.Length + 1;
            int pad = 64 - (pre + hlen) % 64;
            if (pre == 10 && hlen + pad > ushort.MaxValue) continue;
            var header = new byte[pre + hlen + pad];
            NpyHeader.Magic.CopyTo(header);
            header[6] = (byte)(pre == 10 ? 1 : 2);
            if (pre == 10) BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)(hlen + pad));
            else BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)(hlen + pad));
            text.CopyTo(header, pre);
            header.AsSpan(pre + text.Length, pad).Fill((byte)' ');
            header[^1] = (byte)'\n';
            return header;
        }
        throw new InvalidOperationException("unreachable: a version 2.0 header always fits");
    }

    private static void WriteBytes(string path, byte[] header, ReadOnlySpan<byte> data)
    {
        using var file = AtomicFileWriter.Create(path);
        file.Stream.Write(header);
        file.Stream.Write(data);
        file.Commit();
    }

    private static byte[] Concat(byte[] header, ReadOnlySpan<byte> data)
    {
        var all = new byte[header.Length + data.Length];
        header.CopyTo(all, 0);
        data.CopyTo(all.AsSpan(header.Length));
        return all;
    }

    private static int ReadUpTo(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static void ReadExactly(Stream s, Span<byte> dst, NpyHeader h, string path)
    {
        int got = ReadUpTo(s, dst);
        if (got != dst.Length) throw new NpyFormatException(path, h.DataOffset + got, $"truncated: expected {dst.Length} data bytes, read {got}");
    }
}
