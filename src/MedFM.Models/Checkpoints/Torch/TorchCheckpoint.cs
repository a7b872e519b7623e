using MedFM.Models.Checkpoints.Pickle;

namespace MedFM.Models.Checkpoints.Torch;

public enum TorchCheckpointFormat
{
    /// <summary>The zip container of torch.save since PyTorch 1.6.</summary>
    Zip,
    /// <summary>The legacy stream of pickles (_use_new_zipfile_serialization=False, and PyTorch 0.4–1.5).</summary>
    Legacy,
}

/// <summary>
/// A PyTorch .pth/.pt/.ckpt/.bin file read through the restricted unpickler: the pickled object graph
/// (<see cref="Root"/>: dicts, lists, numbers, strings, tensors, argparse.Namespace, numpy scalars) with tensor
/// bytes left in the memory-mapped file until converted. Never executes code: any global outside the data-only
/// allow-list raises <see cref="UnsafeCheckpointException"/>. References: torch/serialization.py and torch/_utils.py
/// (github.com/pytorch/pytorch).
/// </summary>
public sealed class TorchCheckpoint : IDisposable
{
    private readonly ByteSource _source;

    private TorchCheckpoint(ByteSource source, TorchCheckpointFormat format, object? root, int protocol, string? archive, long? version)
    {
        _source = source;
        Format = format;
        Root = root;
        PickleProtocol = protocol;
        ArchiveName = archive;
        FormatVersion = version;
    }

    public string File => _source.Name;

    public TorchCheckpointFormat Format { get; }

    /// <summary>The unpickled object: usually a dict (a state dict, or a training checkpoint holding one).</summary>
    public object? Root { get; }

    /// <summary>The pickle protocol announced by the object's pickle (2 for torch.save's default).</summary>
    public int PickleProtocol { get; }

    /// <summary>The zip archive's top folder (zip format only).</summary>
    public string? ArchiveName { get; }

    /// <summary>The zip archive's version record, when present.</summary>
    public long? FormatVersion { get; }

    /// <summary>Opens a checkpoint file (memory-mapped; tensors are read lazily).</summary>
    public static TorchCheckpoint Load(string path, UnpicklerLimits? limits = null)
    {
        var src = ByteSource.Open(path);
        try { return Load(src, limits); }
        catch { src.Dispose(); throw; }
    }

    /// <summary>Reads a checkpoint held in memory; <paramref name="name"/> names it in errors.</summary>
    public static TorchCheckpoint Load(byte[] data, string name = "<memory>", UnpicklerLimits? limits = null) =>
        Load(new ArraySource(data, name), limits);

    private static TorchCheckpoint Load(ByteSource src, UnpicklerLimits? limits)
    {
        if (IsZip(src))
        {
            var z = TorchZipReader.Read(src, limits);
            return new TorchCheckpoint(src, TorchCheckpointFormat.Zip, z.Root, z.Protocol, z.Archive, z.Version);
        }
        var l = TorchLegacyReader.Read(src, limits);
        return new TorchCheckpoint(src, TorchCheckpointFormat.Legacy, l.Root, l.Protocol, null, null);
    }

    internal static bool IsZip(ByteSource src) =>
        src.Length >= 4 && (src.Span(0, 4).SequenceEqual("PK\x03\x04"u8) || src.Span(0, 4).SequenceEqual("PK\x05\x06"u8));

    /// <summary>
    /// Finds the model's state dict in <see cref="Root"/> (see <see cref="StateDictSearch"/>). The result reads from
    /// this checkpoint's mapping: keep the checkpoint open while using it.
    /// </summary>
    public FoundStateDict FindStateDict(string? path = null) => StateDictSearch.Find(Root, File, path, owner: null);

    /// <summary>Opens a file and returns its state dict, which owns the file mapping (dispose it when done).</summary>
    public static FoundStateDict LoadStateDict(string path, string? statePath = null, UnpicklerLimits? limits = null)
    {
        var ckpt = Load(path, limits);
        try { return StateDictSearch.Find(ckpt.Root, ckpt.File, statePath, owner: ckpt); }
        catch { ckpt.Dispose(); throw; }
    }

    /// <summary>Releases the file mapping.</summary>
    public void Dispose() => _source.Dispose();
}
