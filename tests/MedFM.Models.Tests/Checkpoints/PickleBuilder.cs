using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>
/// Assembles pickles opcode by opcode (CPython Lib/pickle.py opcode table), for inputs Python would not write:
/// hostile globals, bombs, malformed streams, tensors whose layout does not fit their storage.
/// </summary>
internal sealed class PickleBuilder
{
    private readonly List<byte> _b = new();

    public int Length => _b.Count;

    public PickleBuilder Proto(int p) => Op(0x80).Byte((byte)p);
    public PickleBuilder Op(byte op) { _b.Add(op); return this; }
    public PickleBuilder Op(char op) => Op((byte)op);
    public PickleBuilder Byte(byte v) { _b.Add(v); return this; }
    public PickleBuilder Raw(ReadOnlySpan<byte> bytes) { _b.AddRange(bytes.ToArray()); return this; }
    public PickleBuilder Text(string s) => Raw(Encoding.UTF8.GetBytes(s));

    /// <summary>GLOBAL: the protocol-0 text form "c module\n name\n".</summary>
    public PickleBuilder Global(string module, string name) => Op('c').Text(module + "\n" + name + "\n");

    /// <summary>STACK_GLOBAL: two SHORT_BINUNICODE strings then the opcode (protocol 4).</summary>
    public PickleBuilder StackGlobal(string module, string name) => ShortStr(module).ShortStr(name).Op(0x93);

    public PickleBuilder Str(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Op('X');
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(n, (uint)bytes.Length);
        return Raw(n).Raw(bytes);
    }

    public PickleBuilder ShortStr(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        return Op(0x8c).Byte((byte)bytes.Length).Raw(bytes);
    }

    public PickleBuilder Int(long v)
    {
        if (v is >= int.MinValue and <= int.MaxValue)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)v);
            return Op('J').Raw(b);
        }
        Span<byte> l = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(l, v);
        return Op(0x8a).Byte(8).Raw(l);
    }

    public PickleBuilder UInt32Arg(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return Raw(b);
    }

    public PickleBuilder Mark() => Op('(');
    public PickleBuilder Tuple() => Op('t');
    public PickleBuilder EmptyTuple() => Op(')');
    public PickleBuilder EmptyDict() => Op('}');
    public PickleBuilder EmptyList() => Op(']');
    public PickleBuilder SetItem() => Op('s');
    public PickleBuilder SetItems() => Op('u');
    public PickleBuilder Reduce() => Op('R');
    public PickleBuilder None() => Op('N');
    public PickleBuilder False() => Op(0x89);
    public PickleBuilder BinPersId() => Op('Q');
    public PickleBuilder Stop() => Op('.');

    public PickleBuilder IntTuple(params long[] values)
    {
        Mark();
        foreach (var v in values) Int(v);
        return Tuple();
    }

    /// <summary>_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()) over storage 'key'.</summary>
    public PickleBuilder Tensor(string storageType, string key, long numel, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        Mark().Str("storage").Global("torch", storageType).Str(key).Str("cpu").Int(numel).Tuple().BinPersId();
        Int(offset).IntTuple(size).IntTuple(stride).False();
        Global("collections", "OrderedDict").EmptyTuple().Reduce();
        return Tuple().Reduce();
    }

    public byte[] ToArray() => _b.ToArray();

    /// <summary>A PyTorch zip: archive/data.pkl, archive/version and archive/data/&lt;key&gt; members (stored).</summary>
    public static byte[] TorchZip(byte[] dataPkl, IReadOnlyDictionary<string, byte[]>? storages = null, string archive = "archive",
        IReadOnlyDictionary<string, byte[]>? records = null)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] data)
            {
                var e = zip.CreateEntry(archive + "/" + name, CompressionLevel.NoCompression);
                using var s = e.Open();
                s.Write(data);
            }
            Add("data.pkl", dataPkl);
            foreach (var (key, bytes) in storages ?? new Dictionary<string, byte[]>()) Add("data/" + key, bytes);
            Add("version", "3\n"u8.ToArray());
            foreach (var (name, bytes) in records ?? new Dictionary<string, byte[]>()) Add(name, bytes);
        }
        return ms.ToArray();
    }

    /// <summary>A legacy .pth prefix: the magic-number, protocol-version and sys_info pickles, as torch writes them.</summary>
    public static byte[] LegacyPreamble()
    {
        var p = new PickleBuilder().Proto(2).Op(0x8a).Byte(10).Raw(Convert.FromHexString("6c fc 9c 46 f9 20 6a a8 50 19".Replace(" ", ""))).Stop();
        p.Proto(2).Int(1001).Stop();
        p.Proto(2).EmptyDict().Str("little_endian").Op(0x88).SetItem().Stop();
        return p.ToArray();
    }
}
