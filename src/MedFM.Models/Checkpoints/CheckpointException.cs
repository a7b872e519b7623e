namespace MedFM.Models.Checkpoints;

/// <summary>
/// Base of the errors raised while reading checkpoints. The message names the file, the entry inside it (a zip
/// member, a tensor name, a pickle) and the byte offset where the problem was found, when known.
/// </summary>
public abstract class CheckpointException : IOException
{
    protected CheckpointException(string file, string? entry, long? offset, string message)
        : base(Compose(file, entry, offset, message))
    {
        File = file;
        Entry = entry;
        Offset = offset;
    }

    /// <summary>The checkpoint file (or the name given to an in-memory buffer).</summary>
    public string File { get; }

    /// <summary>The member, tensor or pickle inside the file, when the problem is inside one.</summary>
    public string? Entry { get; }

    /// <summary>Byte offset (in the file, or in the entry when <see cref="Entry"/> is set).</summary>
    public long? Offset { get; }

    private static string Compose(string file, string? entry, long? offset, string message)
    {
        var where = entry is null ? file : $"{file} [{entry}]";
        return offset is null ? $"{where}: {message}" : $"{where} at byte {offset}: {message}";
    }
}

/// <summary>A malformed, truncated or unsupported checkpoint.</summary>
public sealed class CheckpointFormatException(string file, string? entry, long? offset, string message)
    : CheckpointException(file, entry, offset, message);

/// <summary>
/// A pickle that asks for a Python global outside the data-only allow-list (os.system, builtins.eval, a pickled
/// nn.Module, ...). Nothing was executed: the reader never runs code; it refuses the file.
/// </summary>
public sealed class UnsafeCheckpointException(string file, string? entry, long? offset, string globalName)
    : CheckpointException(file, entry, offset,
        $"refusing to load: the pickle references '{globalName}', which is not on the allow-list of data-only globals " +
        "(tensors, storages, OrderedDict, torch.Size, argparse.Namespace, numpy scalars); nothing was executed. " +
        "If this is a whole pickled model, re-save its state_dict() (or convert it to safetensors) in Python")
{
    /// <summary>The refused global, as module.name.</summary>
    public string GlobalName { get; } = globalName;
}
