using System.Globalization;
using System.Text;
using MedFM.Models.Checkpoints.Pickle;

namespace MedFM.Models.Checkpoints.Torch;

/// <summary>
/// PyTorch's zip container (torch.save since 1.6; torch/serialization.py _save/_load): &lt;archive&gt;/data.pkl is the
/// pickled object whose tensors name storages by persistent id ('storage', storage_type, key, location, numel);
/// each storage's bytes are the member &lt;archive&gt;/data/&lt;key&gt;. The top folder name varies (the file's stem, or
/// "archive"); it is taken from the first member, as PyTorch's reader does. &lt;archive&gt;/version holds the format
/// version and, since PyTorch 2.1, &lt;archive&gt;/byteorder the storages' byte order.
/// </summary>
internal static class TorchZipReader
{
    public sealed record Result(object? Root, int Protocol, string Archive, long? Version);

    public static Result Read(ByteSource src, UnpicklerLimits? limits)
    {
        var entries = ZipDirectory.Read(src);
        if (entries.Count == 0) throw new CheckpointFormatException(src.Name, null, null, "the zip archive is empty");
        int slash = entries[0].Name.IndexOf('/');
        if (slash <= 0) throw new CheckpointFormatException(src.Name, entries[0].Name, null, "not a PyTorch archive: its first member is not inside a folder");
        var archive = entries[0].Name[..slash];
        var byName = new Dictionary<string, ZipEntry>(StringComparer.Ordinal);
        foreach (var e in entries) byName[e.Name] = e;
        if (byName.ContainsKey(archive + "/constants.pkl"))
            throw new CheckpointFormatException(src.Name, archive + "/constants.pkl", null,
                "this is a TorchScript archive (torch.jit.save), which holds code; load it in Python and save its state_dict() instead");
        if (!byName.TryGetValue(archive + "/data.pkl", out var pkl))
            throw new CheckpointFormatException(src.Name, archive + "/data.pkl", null, "not a PyTorch checkpoint: the archive has no data.pkl");
        long? version = ReadVersion(src, byName, archive);
        bool bigEndian = ReadByteOrder(src, byName, archive);
        var loader = new Storages(src, byName, archive, bigEndian);
        var (pickleSource, start) = Member(src, pkl);
        var u = new Unpickler(pickleSource, start, start + pkl.Size, src.Name, pkl.Name, reportRelative: true, limits, loader);
        var root = u.Load();
        return new Result(root, u.Protocol, archive, version);
    }

    /// <summary>A member's bytes: in place for stored members, inflated into memory for deflated ones.</summary>
    private static (ByteSource Source, long Start) Member(ByteSource src, ZipEntry e)
    {
        if (e.Method == 0) return (src, e.DataOffset);
        var inflated = new InflatedStorage(src, e.DataOffset, e.CompressedSize, e.Size, e.Name, false);
        if (e.Size > int.MaxValue) throw new CheckpointFormatException(src.Name, e.Name, null, "compressed member too large");
        return (new ArraySource(inflated.GetBytes(0, (int)e.Size).ToArray(), src.Name), 0);
    }

    private static string? SmallText(ByteSource src, Dictionary<string, ZipEntry> byName, string name)
    {
        if (!byName.TryGetValue(name, out var e)) return null;
        if (e.Size > 64) throw new CheckpointFormatException(src.Name, name, null, $"expected a short text record, found {e.Size} bytes");
        var (s, start) = Member(src, e);
        return Encoding.ASCII.GetString(s.Span(start, (int)e.Size)).Trim();
    }

    private static long? ReadVersion(ByteSource src, Dictionary<string, ZipEntry> byName, string archive)
    {
        var text = SmallText(src, byName, archive + "/version") ?? SmallText(src, byName, archive + "/.data/version");
        if (text is null) return null;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v : throw new CheckpointFormatException(src.Name, archive + "/version", 0, $"version record '{text}' is not a number");
    }

    private static bool ReadByteOrder(ByteSource src, Dictionary<string, ZipEntry> byName, string archive) =>
        SmallText(src, byName, archive + "/byteorder") switch
        {
            null or "little" => false,
            "big" => true,
            var other => throw new CheckpointFormatException(src.Name, archive + "/byteorder", 0, $"byte order '{other}' (expected little or big)"),
        };

    /// <summary>Resolves ('storage', storage_type, key, location, numel) to the member archive/data/key.</summary>
    private sealed class Storages(ByteSource src, Dictionary<string, ZipEntry> byName, string archive, bool bigEndian) : IPersistentLoader
    {
        private readonly Dictionary<string, TorchStorage> _loaded = new(StringComparer.Ordinal);

        public object? Load(object? pid, Unpickler ctx)
        {
            if (pid is not PyTuple { Count: 5 } t || PersistentIds.Text(t[0]) != "storage")
                throw ctx.Error($"unexpected persistent id {PyFormat.Short(pid)} (expected ('storage', type, key, location, numel))");
            var dtype = PersistentIds.StorageType(t[1], ctx);
            var key = PersistentIds.Text(t[2]) ?? throw ctx.Error("storage key must be a string");
            long numel = t[4] as long? ?? throw ctx.Error("storage numel must be an integer");
            if (_loaded.TryGetValue(key, out var known))
                return known.DType == dtype ? known : throw ctx.Error($"storage '{key}' is used as both {known.DType} and {dtype}");
            long nbytes = PersistentIds.Bytes(numel, dtype, ctx);
            var name = archive + "/data/" + key;
            if (!byName.TryGetValue(name, out var e)) throw ctx.Error($"storage '{key}' has no member {name}");
            if (e.Size < nbytes) throw ctx.Error($"storage '{key}' declares {numel} × {dtype} = {nbytes} bytes but {name} holds {e.Size}");
            CheckpointStorage storage = e.Method == 0
                ? new SourceStorage(src, e.DataOffset, nbytes, name, bigEndian)
                : new SliceStorage(new InflatedStorage(src, e.DataOffset, e.CompressedSize, e.Size, name, bigEndian), 0, nbytes, name);
            return _loaded[key] = new TorchStorage(storage, dtype);
        }
    }
}

/// <summary>Helpers shared by the zip and legacy persistent-id resolvers.</summary>
internal static class PersistentIds
{
    /// <summary>str, or ASCII bytes (Python 2 pickles loaded with encoding='bytes').</summary>
    public static string? Text(object? v) => v switch
    {
        string s => s,
        byte[] b when b.Length <= 256 && b.All(x => x < 0x80) => Encoding.ASCII.GetString(b),
        _ => null,
    };

    public static CheckpointDType StorageType(object? v, Unpickler ctx) =>
        v is PyGlobal { Kind: PyGlobalKind.Marker, DType: { } dt } g && g.Name.EndsWith("Storage", StringComparison.Ordinal)
            ? dt : throw ctx.Error($"expected a storage type, found {Unpickler.TypeName(v)}");

    public static long Bytes(long numel, CheckpointDType dtype, Unpickler ctx) =>
        numel >= 0 && numel <= long.MaxValue / dtype.Size() ? numel * dtype.Size() : throw ctx.Error($"storage numel {numel} is out of range");
}
