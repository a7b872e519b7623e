using System.Text;

namespace MedFM.Models.Checkpoints.Pickle;

/// <summary>
/// The allow-list of Python globals a checkpoint pickle may name, and what each one means here. Nothing is ever
/// imported or called: each allowed name is evaluated by C# code that builds plain data.
///
/// Allowed (decided for MedFM, following torch.load(weights_only=True) in spirit):
/// - tensors: torch._utils._rebuild_tensor, _rebuild_tensor_v2, _rebuild_parameter, _rebuild_parameter_with_state,
///   torch._tensor._rebuild_from_type_v2 (only around those, for torch.Tensor / nn.Parameter);
/// - storage types torch.{Float,Half,BFloat16,Double,Long,Int,Short,Char,Byte,Bool}Storage and torch.UntypedStorage
///   (also under torch.cuda, as old GPU checkpoints name them); torch dtypes (torch.float16, ...); torch.Size; torch.device;
/// - containers: collections.OrderedDict, builtins.set/frozenset/bytearray, _codecs.encode (how protocol 2 spells bytes);
/// - training-checkpoint data: argparse.Namespace (hyper-parameters), numpy scalars (numpy.core.multiarray.scalar +
///   numpy.dtype, also numpy._core) and numeric numpy arrays (numpy.core.multiarray._reconstruct + numpy.ndarray),
///   pathlib paths (as strings), copyreg._reconstructor for the above classes.
/// Everything else — os.system, posix.system, builtins.eval/exec/getattr, subprocess.Popen, torch.storage._load_from_bytes,
/// pickled nn.Module classes — raises <see cref="UnsafeCheckpointException"/> as soon as the name is read.
/// </summary>
internal static class PickleGlobals
{
    private static Dictionary<string, PyGlobal> Build()
    {
        var d = new Dictionary<string, PyGlobal>(StringComparer.Ordinal);
        void Add(string module, string name, PyGlobalKind kind, CheckpointDType? dtype = null) =>
            d[module + "." + name] = new PyGlobal(module, name, kind) { DType = dtype };
        foreach (var f in new[] { "_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_parameter", "_rebuild_parameter_with_state" })
            Add("torch._utils", f, PyGlobalKind.Function);
        Add("torch._tensor", "_rebuild_from_type_v2", PyGlobalKind.Function);
        Add("torch", "Size", PyGlobalKind.Function);
        Add("torch", "device", PyGlobalKind.Function);
        Add("torch", "Tensor", PyGlobalKind.Marker);
        Add("torch.nn.parameter", "Parameter", PyGlobalKind.Marker);
        foreach (var (name, dt) in StorageTypes)
        {
            Add("torch", name, PyGlobalKind.Marker, dt);
            Add("torch.cuda", name, PyGlobalKind.Marker, dt);
        }
        foreach (var (name, dt) in TorchDTypes) Add("torch", name, PyGlobalKind.Marker, dt);
        Add("collections", "OrderedDict", PyGlobalKind.Class);
        Add("builtins", "set", PyGlobalKind.Function);
        Add("builtins", "frozenset", PyGlobalKind.Function);
        Add("builtins", "bytearray", PyGlobalKind.Function);
        Add("builtins", "object", PyGlobalKind.Marker);
        Add("_codecs", "encode", PyGlobalKind.Function);
        Add("copyreg", "_reconstructor", PyGlobalKind.Function);
        Add("argparse", "Namespace", PyGlobalKind.Class);
        foreach (var np in new[] { "numpy.core.multiarray", "numpy._core.multiarray" })
        {
            Add(np, "scalar", PyGlobalKind.Function);
            Add(np, "_reconstruct", PyGlobalKind.Function);
        }
        Add("numpy", "dtype", PyGlobalKind.Function);
        Add("numpy", "ndarray", PyGlobalKind.Marker);
        foreach (var p in new[] { "PosixPath", "PurePosixPath", "WindowsPath", "PureWindowsPath" }) Add("pathlib", p, PyGlobalKind.Function);
        return d;
    }

    private static readonly (string, CheckpointDType)[] StorageTypes =
    [
        ("FloatStorage", CheckpointDType.F32), ("HalfStorage", CheckpointDType.F16), ("BFloat16Storage", CheckpointDType.BF16),
        ("DoubleStorage", CheckpointDType.F64), ("LongStorage", CheckpointDType.I64), ("IntStorage", CheckpointDType.I32),
        ("ShortStorage", CheckpointDType.I16), ("CharStorage", CheckpointDType.I8), ("ByteStorage", CheckpointDType.U8),
        ("BoolStorage", CheckpointDType.Bool), ("UntypedStorage", CheckpointDType.U8),
    ];

    private static readonly (string, CheckpointDType)[] TorchDTypes =
    [
        ("float32", CheckpointDType.F32), ("float", CheckpointDType.F32), ("float16", CheckpointDType.F16), ("half", CheckpointDType.F16),
        ("bfloat16", CheckpointDType.BF16), ("float64", CheckpointDType.F64), ("double", CheckpointDType.F64),
        ("int64", CheckpointDType.I64), ("long", CheckpointDType.I64), ("int32", CheckpointDType.I32), ("int", CheckpointDType.I32),
        ("int16", CheckpointDType.I16), ("short", CheckpointDType.I16), ("int8", CheckpointDType.I8), ("uint8", CheckpointDType.U8),
        ("bool", CheckpointDType.Bool),
    ];

    // Declared after the tables it reads: static fields initialise in textual order.
    private static readonly Dictionary<string, PyGlobal> Allowed = Build();

    /// <summary>GLOBAL / STACK_GLOBAL / INST: an allowed name, or UnsafeCheckpointException.</summary>
    public static PyGlobal Resolve(string module, string name, Unpickler ctx)
    {
        // Python 2 module names, as pickle's fix_imports maps them for protocols < 3 (Lib/_compat_pickle.py; Python 3
        // itself writes subprocess.Popen as commands.Popen at protocol 2), and torch's own renaming (serialization.py).
        module = module switch
        {
            "__builtin__" or "exceptions" => "builtins", "copy_reg" => "copyreg", "commands" => "subprocess",
            "cPickle" => "pickle", "thread" => "_thread", "torch.tensor" => "torch._tensor", _ => module,
        };
        return Allowed.TryGetValue(module + "." + name, out var g) ? g : throw ctx.Unsafe(module + "." + name);
    }

    /// <summary>REDUCE: evaluates an allowed function on its arguments.</summary>
    public static object? Call(object? callable, PyTuple args, Unpickler ctx)
    {
        if (callable is not PyGlobal g) throw ctx.Error($"REDUCE on a {Unpickler.TypeName(callable)}, which is not callable");
        switch (g.FullName)
        {
            case "collections.OrderedDict": return OrderedDict(args, ctx);
            case "builtins.set": case "builtins.frozenset": return MakeSet(g.Name == "frozenset", args, ctx);
            case "builtins.bytearray": return args.Count == 0 ? Array.Empty<byte>() : Encode(args, ctx);
            case "_codecs.encode": return Encode(args, ctx);
            case "torch.Size": return TorchSize(args, ctx);
            case "torch.device": return Device(args, ctx);
            case "copyreg._reconstructor": return Reconstructor(args, ctx);
            case "numpy.dtype": return NumpyRebuild.DType(args, ctx);
            case "numpy.core.multiarray.scalar" or "numpy._core.multiarray.scalar": return NumpyRebuild.Scalar(args, ctx);
            case "numpy.core.multiarray._reconstruct" or "numpy._core.multiarray._reconstruct": return NumpyRebuild.Reconstruct(args, ctx);
            case "pathlib.PosixPath" or "pathlib.PurePosixPath" or "pathlib.WindowsPath" or "pathlib.PureWindowsPath": return JoinPath(args, ctx);
        }
        if (g.Module is "torch._utils" or "torch._tensor") return TorchRebuild.Call(g, args, ctx);
        throw ctx.Error($"'{g.FullName}' cannot be called");
    }

    /// <summary>NEWOBJ / INST / OBJ: creates an instance of an allowed plain-data class.</summary>
    public static object? New(object? cls, PyTuple args, Unpickler ctx)
    {
        if (cls is not PyGlobal g) throw ctx.Error($"NEWOBJ on a {Unpickler.TypeName(cls)}, which is not a class");
        return g.FullName switch
        {
            "collections.OrderedDict" => new PyDict("collections.OrderedDict"),
            "argparse.Namespace" => new PyObject("argparse.Namespace"),
            _ => g.Kind == PyGlobalKind.Function ? Call(g, args, ctx) : throw ctx.Error($"'{g.FullName}' cannot be instantiated"),
        };
    }

    /// <summary>BUILD: applies a state to an object made by an allowed global.</summary>
    public static void Build(object? inst, object? state, Unpickler ctx)
    {
        switch (inst)
        {
            case PyDict d: SetAttributes(d.Attributes, state, ctx); break;
            case PyObject o: SetAttributes(o.Attributes, state, ctx); break;
            case NumpyDType dt: NumpyRebuild.SetDTypeState(dt, state, ctx); break;
            case NumpyArray a: NumpyRebuild.SetArrayState(a, state, ctx); break;
            case CheckpointTensor: break; // Tensor.__setstate__ only restores requires_grad and hooks: nothing to keep
            default: throw ctx.Error($"BUILD on a {Unpickler.TypeName(inst)} is not supported");
        }
    }

    /// <summary>Python's BUILD unpacks one level only: a state is a dict, None, or (dict state, slot state) of those.</summary>
    private static void SetAttributes(PyDict target, object? state, Unpickler ctx)
    {
        if (state is PyTuple { Count: 2 } t)
        {
            AddAttributes(target, t[0], ctx);
            AddAttributes(target, t[1], ctx);
        }
        else AddAttributes(target, state, ctx);
    }

    private static void AddAttributes(PyDict target, object? state, Unpickler ctx)
    {
        if (state is null) return;
        if (state is not PyDict d) throw ctx.Error($"BUILD state must be a dict, found {Unpickler.TypeName(state)}");
        ctx.Charge(d.Count);
        foreach (var kv in d)
        {
            if (kv.Key is not string) throw ctx.Error("attribute names in a BUILD state must be strings");
            ctx.SetItem(target, kv.Key, kv.Value);
        }
    }

    private static PyDict OrderedDict(PyTuple args, Unpickler ctx)
    {
        var d = new PyDict("collections.OrderedDict");
        if (args.Count == 0) return d;
        if (args.Count != 1 || Items(args[0]) is not { } items) throw ctx.Error("OrderedDict() takes an optional list of pairs");
        ctx.Charge(items.Count);
        foreach (var pair in items)
        {
            if (Items(pair) is not { Count: 2 } kv) throw ctx.Error("OrderedDict() items must be (key, value) pairs");
            ctx.SetItem(d, kv[0], kv[1]);
        }
        return d;
    }

    private static PySet MakeSet(bool frozen, PyTuple args, Unpickler ctx)
    {
        var s = new PySet(frozen);
        if (args.Count == 0) return s;
        if (args.Count != 1 || Items(args[0]) is not { } items) throw ctx.Error("set() takes an optional list");
        ctx.Charge(items.Count);
        ctx.AddItems(s, items);
        return s;
    }

    private static IReadOnlyList<object?>? Items(object? v) => v switch
    {
        List<object?> l => l,
        PyTuple t => t,
        PySet s => s.ToList(),
        _ => null,
    };

    /// <summary>_codecs.encode(str, 'latin1'): protocol 2's spelling of a bytes object.</summary>
    private static byte[] Encode(PyTuple args, Unpickler ctx)
    {
        if (args.Count == 1 && args[0] is byte[] raw)
        {
            ctx.Charge(raw.Length);
            return (byte[])raw.Clone();
        }
        if (args.Count != 2 || args[0] is not string s || args[1] is not string enc)
            throw ctx.Error("_codecs.encode expects (str, encoding)");
        ctx.Charge(s.Length);
        switch (enc.ToLowerInvariant())
        {
            case "latin1" or "latin-1" or "iso-8859-1" or "iso8859-1":
                var bytes = new byte[s.Length];
                for (int i = 0; i < s.Length; i++)
                    bytes[i] = s[i] <= 0xFF ? (byte)s[i] : throw ctx.Error("_codecs.encode: character outside Latin-1");
                return bytes;
            case "utf-8" or "utf8": return Encoding.UTF8.GetBytes(s);
            default: throw ctx.Error($"_codecs.encode with encoding '{enc}' is not supported");
        }
    }

    private static PyTuple TorchSize(PyTuple args, Unpickler ctx)
    {
        if (args.Count != 1 || Items(args[0]) is not { } dims) throw ctx.Error("torch.Size expects one tuple");
        ctx.Charge(dims.Count);
        foreach (var d in dims) if (d is not long) throw ctx.Error("torch.Size dimensions must be integers");
        return new PyTuple(dims.ToArray());
    }

    private static string Device(PyTuple args, Unpickler ctx) => args switch
    {
        { Count: 1 } when args[0] is string s => s,
        { Count: 2 } when args[0] is string s && args[1] is long i => $"{s}:{i}",
        _ => throw ctx.Error("torch.device expects (type[, index])"),
    };

    private static object? Reconstructor(PyTuple args, Unpickler ctx)
    {
        if (args.Count != 3 || args[0] is not PyGlobal cls || args[1] is not PyGlobal { FullName: "builtins.object" } || args[2] is not null)
            throw ctx.Error("copyreg._reconstructor is supported only as (allowed class, object, None)");
        return New(cls, PyTuple.Empty, ctx);
    }

    private static string JoinPath(PyTuple args, Unpickler ctx)
    {
        var parts = new string[args.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = args[i] as string ?? throw ctx.Error("pathlib paths must be built from strings");
        ctx.Charge(parts.Sum(p => (long)p.Length));
        return string.Join('/', parts);
    }
}
