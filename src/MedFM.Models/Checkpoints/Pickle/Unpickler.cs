namespace MedFM.Models.Checkpoints.Pickle;

/// <summary>
/// Resolves persistent ids (BINPERSID/PERSID): PyTorch stores tensor storages outside the pickle and refers to them
/// by ('storage', storage_type, key, location, numel[, view]).
/// </summary>
internal interface IPersistentLoader
{
    object? Load(object? pid, Unpickler context);
}

/// <summary>
/// A pickle virtual machine (protocols 0–5, CPython's Lib/pickle.py semantics) that never executes code: GLOBAL and
/// STACK_GLOBAL resolve only names on the data-only allow-list of <see cref="PickleGlobals"/> (anything else throws
/// <see cref="UnsafeCheckpointException"/> on sight), and REDUCE/NEWOBJ/BUILD on allowed names are evaluated by
/// C# code that builds plain data (dicts, tuples, tensors). Stack, memo and nesting are bounded by
/// <see cref="UnpicklerLimits"/>; every length field is checked against the bytes that remain before allocating.
/// </summary>
internal sealed partial class Unpickler
{
    private readonly ByteSource _source;
    private readonly long _start, _end;
    private readonly long _reportBase;
    private readonly UnpicklerLimits _limits;
    private readonly IPersistentLoader? _persistent;
    private readonly List<object?> _stack = new();
    private readonly List<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private long _pos;
    private long _opStart;
    private int _protocol;
    private long _work;
    private readonly long _workLimit;

    /// <param name="source">The file or buffer.</param>
    /// <param name="start">Offset of the pickle's first byte.</param>
    /// <param name="end">Offset the pickle may not read past.</param>
    /// <param name="file">File name, for messages.</param>
    /// <param name="entry">The pickle's name (zip member, or a description for legacy files), for messages.</param>
    /// <param name="reportRelative">True: offsets in messages are relative to <paramref name="start"/> (zip members).</param>
    public Unpickler(ByteSource source, long start, long end, string file, string entry, bool reportRelative,
        UnpicklerLimits? limits, IPersistentLoader? persistent)
    {
        _source = source;
        _start = start;
        _end = end;
        _pos = start;
        File = file;
        Entry = entry;
        _reportBase = reportRelative ? start : 0;
        _limits = limits ?? UnpicklerLimits.Default;
        _workLimit = _limits.BaseWork + _limits.WorkPerByte * Math.Max(0, end - start);
        _persistent = persistent;
    }

    public string File { get; }

    public string Entry { get; }

    /// <summary>Offset just after the STOP opcode, once <see cref="Load"/> has returned.</summary>
    public long Position => _pos;

    /// <summary>The highest protocol announced by PROTO (0 when none).</summary>
    public int Protocol => _protocol;

    /// <summary>Runs the pickle to its STOP opcode and returns the value it built.</summary>
    public object? Load()
    {
        while (true)
        {
            _opStart = _pos;
            byte op = ReadByte();
            if (op == (byte)'.') return _stack.Count > 0 ? Pop() : throw Error("STOP with an empty stack");
            Execute(op);
            if (_stack.Count > _limits.MaxStack) throw Error($"the stack exceeds {_limits.MaxStack} values");
        }
    }

    private void Execute(byte op)
    {
        switch (op)
        {
            case 0x80: // PROTO
                _protocol = ReadByte();
                if (_protocol > 5) throw Error($"unsupported pickle protocol {_protocol}");
                break;
            case 0x95: // FRAME: a length prefix only; frames need no special handling when reading from memory
                if (ReadUInt64() > (ulong)(_end - _pos)) throw Error("frame length runs past the end of the pickle");
                break;
            case (byte)'(': Mark(); break;
            case (byte)'0': if (_stack.Count > MarkBase()) _stack.RemoveAt(_stack.Count - 1); else PopMark(); break;
            case (byte)'1': PopMark(); break;
            case (byte)'2': Push(Peek()); break;
            case (byte)'N': Push(null); break;
            case 0x88: Push(true); break;
            case 0x89: Push(false); break;
            case (byte)'I': Push(ParseTextInt(ReadLine(), allowBool: true)); break;
            case (byte)'L': Push(ParseTextInt(ReadLine().TrimEnd('L'), allowBool: false)); break;
            case (byte)'J': Push((long)ReadInt32()); break;
            case (byte)'K': Push((long)ReadByte()); break;
            case (byte)'M': Push((long)ReadUInt16()); break;
            case 0x8a: Push(ReadLong(ReadByte())); break;
            case 0x8b: Push(ReadLong(ReadInt32())); break;
            case (byte)'F': Push(ParseTextFloat(ReadLine())); break;
            case (byte)'G': Push(ReadDoubleBigEndian()); break;
            case (byte)'S': Push(ParseQuotedString(ReadLine())); break;
            case (byte)'T': Push(DecodeBinString(ReadBytes(ReadLength(ReadInt32())))); break;
            case (byte)'U': Push(DecodeBinString(ReadBytes(ReadByte()))); break;
            case (byte)'V': Push(ParseRawUnicodeEscape(ReadLine())); break;
            case (byte)'X': Push(DecodeUtf8(ReadBytes(ReadLength(ReadUInt32())))); break;
            case 0x8c: Push(DecodeUtf8(ReadBytes(ReadByte()))); break;
            case 0x8d: Push(DecodeUtf8(ReadBytes(ReadLength(ReadUInt64())))); break;
            case (byte)'B': Push(ReadBytes(ReadLength(ReadUInt32())).ToArray()); break;
            case (byte)'C': Push(ReadBytes(ReadByte()).ToArray()); break;
            case 0x8e: case 0x96: Push(ReadBytes(ReadLength(ReadUInt64())).ToArray()); break;
            case 0x97: case 0x98: throw Error("out-of-band buffers (pickle protocol 5 NEXT_BUFFER/READONLY_BUFFER) are not supported");
            case (byte)')': Push(PyTuple.Empty); break;
            case (byte)'t': Push(new PyTuple(PopMark())); break;
            case 0x85: Push(new PyTuple([Pop()])); break;
            case 0x86: { var b = Pop(); var a = Pop(); Push(new PyTuple([a, b])); break; }
            case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PyTuple([a, b, c])); break; }
            case (byte)']': Push(new List<object?>()); break;
            case (byte)'l': Push(new List<object?>(PopMark())); break;
            case (byte)'a': { var v = Pop(); TargetList().Add(v); break; }
            case (byte)'e': { var items = PopMark(); TargetList().AddRange(items); break; }
            case (byte)'}': Push(new PyDict()); break;
            case (byte)'d': { var d = new PyDict(); SetItems(d, PopMark()); Push(d); break; }
            case (byte)'s': { var v = Pop(); var k = Pop(); SetItem(TargetDict(), k, v); break; }
            case (byte)'u': { var items = PopMark(); SetItems(TargetDict(), items); break; }
            case 0x8f: Push(new PySet(frozen: false)); break;
            case 0x90: { var items = PopMark(); AddItems(TargetSet(), items); break; }
            case 0x91: { var s = new PySet(frozen: true); AddItems(s, PopMark()); Push(s); break; }
            case (byte)'p': MemoPut(ParseMemoIndex(ReadLine())); break;
            case (byte)'q': MemoPut(ReadByte()); break;
            case (byte)'r': MemoPut(ReadUInt32()); break;
            case 0x94: MemoPut(_memo.Count); break;
            case (byte)'g': MemoGet(ParseMemoIndex(ReadLine())); break;
            case (byte)'h': MemoGet(ReadByte()); break;
            case (byte)'j': MemoGet(ReadUInt32()); break;
            case (byte)'c': { var module = ReadLine(); var name = ReadLine(); Push(PickleGlobals.Resolve(module, name, this)); break; }
            case 0x93: { var name = Pop(); var module = Pop(); Push(PickleGlobals.Resolve(AsName(module), AsName(name), this)); break; }
            case 0x82: case 0x83: case 0x84:
                throw new UnsafeCheckpointException(File, Entry, _opStart - _reportBase, "copyreg extension code (EXT1/EXT2/EXT4)");
            case (byte)'R': { var args = Pop(); var func = Pop(); Push(PickleGlobals.Call(func, AsTuple(args, "REDUCE arguments"), this)); break; }
            case 0x81: { var args = Pop(); var cls = Pop(); Push(PickleGlobals.New(cls, AsTuple(args, "NEWOBJ arguments"), this)); break; }
            case 0x92: NewObjEx(); break;
            case (byte)'i': { var module = ReadLine(); var name = ReadLine(); var args = PopMark(); Push(PickleGlobals.New(PickleGlobals.Resolve(module, name, this), new PyTuple(args), this)); break; }
            case (byte)'o': { var items = PopMark(); if (items.Length == 0) throw Error("OBJ without a class"); Push(PickleGlobals.New(items[0], new PyTuple(items[1..]), this)); break; }
            case (byte)'b': { var state = Pop(); PickleGlobals.Build(Peek(), state, this); break; }
            case (byte)'Q': Push(Persistent(Pop())); break;
            case (byte)'P': Push(Persistent(ReadLine())); break;
            default: throw Error($"unknown pickle opcode 0x{op:x2}");
        }
    }

    private int MarkBase() => _marks.Count > 0 ? _marks[^1] : 0;

    private void NewObjEx()
    {
        var kwargs = Pop();
        var args = Pop();
        var cls = Pop();
        if (kwargs is not PyDict { Count: 0 }) throw Error("NEWOBJ_EX with keyword arguments is not supported");
        Push(PickleGlobals.New(cls, AsTuple(args, "NEWOBJ_EX arguments"), this));
    }

    private object? Persistent(object? pid) =>
        _persistent is null ? throw Error("a persistent id appears where none is expected") : _persistent.Load(pid, this);

    // ---- stack, marks, memo ----

    private void Push(object? v) => _stack.Add(v);

    private object? Pop()
    {
        if (_stack.Count <= MarkBase()) throw Error("stack underflow (the opcode needs a value above the last MARK)");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Peek() => _stack.Count > MarkBase() ? _stack[^1] : throw Error("stack underflow");

    private void Mark()
    {
        if (_marks.Count >= _limits.MaxNesting) throw Error($"more than {_limits.MaxNesting} nested MARKs (nesting limit)");
        _marks.Add(_stack.Count);
    }

    private object?[] PopMark()
    {
        if (_marks.Count == 0) throw Error("MARK expected but none is open");
        int at = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(at, _stack.Count - at).ToArray();
        _stack.RemoveRange(at, _stack.Count - at);
        return items;
    }

    private void MemoPut(long index)
    {
        var top = Peek();
        if (!_memo.ContainsKey(index) && _memo.Count >= _limits.MaxMemo) throw Error($"the memo exceeds {_limits.MaxMemo} entries");
        _memo[index] = top;
    }

    private void MemoGet(long index)
    {
        if (!_memo.TryGetValue(index, out var v)) throw Error($"memo GET of index {index}, which was never PUT");
        Push(v);
    }

    /// <summary>
    /// Counts work that does not consume input: elements copied out of values already built and characters of keys
    /// hashed. Memo references are a few bytes each, so without this bound a small pickle could hand one big list to
    /// set() or one long string to a dict again and again and take quadratic time and memory.
    /// </summary>
    internal void Charge(long units)
    {
        _work += units;
        if (_work > _workLimit)
            throw Error($"the pickle copies and hashes more than {_workLimit} elements ({_limits.WorkPerByte} per byte of pickle): it amplifies its input");
    }

    // ---- container helpers ----

    private List<object?> TargetList() => Peek() as List<object?> ?? throw Error($"APPEND onto {TypeName(Peek())}, not a list");

    private PyDict TargetDict() => Peek() as PyDict ?? throw Error($"SETITEM onto {TypeName(Peek())}, not a dict");

    private PySet TargetSet() => Peek() as PySet is { IsFrozen: false } s ? s : throw Error($"ADDITEMS onto {TypeName(Peek())}, not a set");

    private void SetItems(PyDict d, object?[] items)
    {
        if (items.Length % 2 != 0) throw Error("SETITEMS/DICT with an odd number of items");
        for (int i = 0; i < items.Length; i += 2) SetItem(d, items[i], items[i + 1]);
    }

    internal void SetItem(PyDict d, object? key, object? value)
    {
        if (!PyKeyComparer.IsHashable(key)) throw Error($"unhashable or too complex dict key of type {TypeName(key)}");
        Charge(PyKeyComparer.Cost(key));
        d.Set(key, value);
    }

    internal void AddItems(PySet s, IEnumerable<object?> items)
    {
        foreach (var item in items)
        {
            if (!PyKeyComparer.IsHashable(item)) throw Error($"unhashable or too complex set item of type {TypeName(item)}");
            Charge(PyKeyComparer.Cost(item));
            s.Add(item);
        }
    }

    internal PyTuple AsTuple(object? v, string what) => v as PyTuple ?? throw Error($"{what} must be a tuple, found {TypeName(v)}");

    private string AsName(object? v) => v as string ?? throw Error($"STACK_GLOBAL needs str module and name, found {TypeName(v)}");

    internal static string TypeName(object? v) => v switch
    {
        null => "None", string => "str", long or System.Numerics.BigInteger => "int", double => "float", bool => "bool",
        byte[] => "bytes", List<object?> => "list", PyTuple => "tuple", PyDict => "dict", PySet => "set",
        CheckpointTensor => "tensor", PyGlobal g => g.FullName, PyObject o => o.ClassName, _ => v.GetType().Name,
    };

    // ---- errors ----

    /// <summary>A format error at the current opcode.</summary>
    internal CheckpointFormatException Error(string message) =>
        new(File, Entry, _opStart - _reportBase, message);

    internal UnsafeCheckpointException Unsafe(string globalName) =>
        new(File, Entry, _opStart - _reportBase, globalName);
}
