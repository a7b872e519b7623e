using System.Buffers.Binary;
using System.Numerics;
using MedFM.Models.Checkpoints.Pickle;

namespace MedFM.Models.Checkpoints.Torch;

/// <summary>
/// PyTorch's legacy (non-zip) format, torch/serialization.py _legacy_save/_legacy_load: five pickles in a row — the
/// magic number 0x1950a86a20f9469cfc6c, the protocol version 1001, sys_info, the object (storages as persistent ids
/// ('storage', storage_type, root_key, location, numel, view_metadata)), the sorted list of storage keys — then, for
/// each key in that order, an 8-byte little-endian element count and the storage's bytes (PyTorch writes them
/// little-endian on every machine). The older tar-based format (PyTorch ≤ 0.3) is recognised and refused.
/// </summary>
internal static class TorchLegacyReader
{
    public static readonly BigInteger Magic = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);
    public const long ProtocolVersion = 1001;

    public sealed record Result(object? Root, int Protocol);

    public static Result Read(ByteSource src, UnpicklerLimits? limits)
    {
        if (IsTar(src))
            throw new CheckpointFormatException(src.Name, null, 257, "this is PyTorch's tar-based legacy format (PyTorch 0.3 and older), which is not supported; re-save it with a current PyTorch");
        long pos = 0;
        int protocol = 0;
        object? Next(string what, IPersistentLoader? loader)
        {
            var u = new Unpickler(src, pos, src.Length, src.Name, what, reportRelative: false, limits, loader);
            var v = u.Load();
            pos = u.Position;
            protocol = Math.Max(protocol, u.Protocol);
            return v;
        }
        object? magic;
        try { magic = Next("magic number pickle", null); }
        catch (CheckpointFormatException e)
        {
            throw new CheckpointFormatException(src.Name, null, 0, "not a PyTorch checkpoint: no magic number pickle at the start (" + e.Message + ")");
        }
        if (!(magic is BigInteger m && m == Magic))
            throw new CheckpointFormatException(src.Name, null, 0, $"bad magic number {PyFormat.Short(magic)}: not a PyTorch checkpoint (expected 0x1950a86a20f9469cfc6c)");
        var version = Next("protocol version pickle", null);
        if (version is not ProtocolVersion)
            throw new CheckpointFormatException(src.Name, null, pos, $"unsupported legacy protocol version {PyFormat.Short(version)} (expected {ProtocolVersion})");
        if (Next("sys_info pickle", null) is not PyDict)
            throw new CheckpointFormatException(src.Name, null, pos, "sys_info is not a dict");
        var storages = new Storages(src.Name);
        var root = Next("object pickle", storages);
        long keysAt = pos;
        if (Next("storage key list pickle", null) is not List<object?> keys)
            throw new CheckpointFormatException(src.Name, "storage key list pickle", keysAt, "the storage key list is not a list");
        BindData(src, storages, keys, pos);
        return new Result(root, protocol);
    }

    private static bool IsTar(ByteSource src) =>
        src.Length >= 512 && src.Span(257, 5).SequenceEqual("ustar"u8);

    /// <summary>Locates each storage's bytes after the pickles and checks its element count.</summary>
    private static void BindData(ByteSource src, Storages storages, List<object?> keys, long pos)
    {
        foreach (var k in keys)
        {
            var key = PersistentIds.Text(k) ?? throw new CheckpointFormatException(src.Name, "storage key list pickle", null, "storage keys must be strings");
            if (!storages.Roots.TryGetValue(key, out var root))
                throw new CheckpointFormatException(src.Name, "storage " + key, pos, "the key list names a storage the object never uses");
            if (root.Storage.IsBound) throw new CheckpointFormatException(src.Name, "storage " + key, pos, "the key list names this storage twice");
            if (src.Length - pos < 8) throw new CheckpointFormatException(src.Name, "storage " + key, pos, "truncated: the storage's element count is missing");
            long count = BinaryPrimitives.ReadInt64LittleEndian(src.Span(pos, 8));
            long expected = root.Storage.ByteLength / root.DType.Size();
            if (count != expected)
                throw new CheckpointFormatException(src.Name, "storage " + key, pos, $"storage has {count} elements in the file, the pickle declares {expected}");
            long bytes = root.Storage.ByteLength;
            if (bytes > src.Length - pos - 8)
                throw new CheckpointFormatException(src.Name, "storage " + key, pos + 8, $"truncated: the storage needs {bytes} bytes, {src.Length - pos - 8} remain");
            root.Storage.Bind(new SourceStorage(src, pos + 8, bytes, "storage " + key, false));
            pos += 8 + bytes;
        }
        foreach (var (key, root) in storages.Roots)
            if (!root.Storage.IsBound)
                throw new CheckpointFormatException(src.Name, "storage " + key, null, "the storage's data is missing (its key is not in the key list)");
    }

    private sealed record Root(DeferredStorage Storage, CheckpointDType DType);

    /// <summary>Resolves ('storage', storage_type, root_key, location, numel, view_metadata) to deferred storages.</summary>
    private sealed class Storages(string file) : IPersistentLoader
    {
        public Dictionary<string, Root> Roots { get; } = new(StringComparer.Ordinal);
        private readonly Dictionary<string, TorchStorage> _views = new(StringComparer.Ordinal);

        public object? Load(object? pid, Unpickler ctx)
        {
            if (pid is PyTuple { Count: > 0 } m && PersistentIds.Text(m[0]) == "module")
                throw ctx.Error("the file holds a pickled nn.Module (torch.save(model)); only state dicts can be read — save model.state_dict() instead");
            if (pid is not PyTuple { Count: 6 } t || PersistentIds.Text(t[0]) != "storage")
                throw ctx.Error($"unexpected persistent id {PyFormat.Short(pid)} (expected ('storage', type, key, location, numel, view))");
            var dtype = PersistentIds.StorageType(t[1], ctx);
            var key = PersistentIds.Text(t[2]) ?? throw ctx.Error("storage key must be a string");
            long numel = t[4] as long? ?? throw ctx.Error("storage numel must be an integer");
            if (!Roots.TryGetValue(key, out var root))
            {
                root = new Root(new DeferredStorage(file, "storage " + key, PersistentIds.Bytes(numel, dtype, ctx), false), dtype);
                Roots[key] = root;
            }
            else if (root.DType != dtype) throw ctx.Error($"storage '{key}' is used as both {root.DType} and {dtype}");
            if (t[5] is null) return new TorchStorage(root.Storage, dtype);
            return View(root, t[5], ctx);
        }

        /// <summary>view_metadata = (view_key, offset, size) in elements of the root storage (very old files).</summary>
        private TorchStorage View(Root root, object? meta, Unpickler ctx)
        {
            if (meta is not PyTuple { Count: 3 } v || PersistentIds.Text(v[0]) is not { } viewKey || v[1] is not long offset || v[2] is not long size)
                throw ctx.Error("storage view metadata must be (key, offset, size)");
            if (_views.TryGetValue(viewKey, out var known)) return known;
            long es = root.DType.Size(), total = root.Storage.ByteLength / es;
            if (offset < 0 || size < 0 || offset > total || size > total - offset)
                throw ctx.Error($"storage view [{offset}, +{size}) lies outside its root of {total} elements");
            var view = new TorchStorage(new SliceStorage(root.Storage, offset * es, size * es, "storage view " + viewKey), root.DType);
            return _views[viewKey] = view;
        }
    }
}
