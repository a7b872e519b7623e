using System.Buffers.Binary;
using MedFM.Models.Checkpoints.Safetensors;
using MedFM.Models.Checkpoints.Torch;

namespace MedFM.Models.Checkpoints;

public enum CheckpointFormat
{
    Unknown,
    Safetensors,
    /// <summary>torch.save's zip container (PyTorch ≥ 1.6).</summary>
    TorchZip,
    /// <summary>torch.save's legacy pickle stream.</summary>
    TorchLegacy,
}

/// <summary>
/// Opens any supported checkpoint by its content (not its extension): safetensors, PyTorch zip or legacy .pth.
/// <see cref="Identify(string)"/> looks at the first bytes only.
/// </summary>
public static class CheckpointFile
{
    /// <summary>The format of a file, from its first bytes.</summary>
    public static CheckpointFormat Identify(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64);
        Span<byte> head = stackalloc byte[16];
        int n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Identify(head[..n], fs.Length);
    }

    /// <summary>The format of a file from its first bytes (at least 9) and its length.</summary>
    public static CheckpointFormat Identify(ReadOnlySpan<byte> head, long fileLength)
    {
        if (head.Length >= 4 && (head[..4].SequenceEqual("PK\x03\x04"u8) || head[..4].SequenceEqual("PK\x05\x06"u8)))
            return CheckpointFormat.TorchZip;
        // safetensors before pickles: a header length such as 0x580 begins with the bytes of PROTO 5.
        if (head.Length >= 9 && head[8] == (byte)'{')
        {
            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(head);
            if (n <= SafetensorsHeader.MaxHeaderLength && (long)n <= fileLength - 8) return CheckpointFormat.Safetensors;
        }
        // Legacy: a protocol-2+ pickle of the magic number as LONG1, or (protocol 4/5) a FRAME first.
        if (head.Length >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5) return CheckpointFormat.TorchLegacy;
        return CheckpointFormat.Unknown;
    }

    /// <summary>
    /// Opens a checkpoint and returns its state dict (for .pth files, the one <see cref="StateDictSearch"/> finds, or
    /// the one at <paramref name="statePath"/>). The state dict owns the file mapping: dispose it when done.
    /// </summary>
    public static FoundStateDict Load(string path, string? statePath = null)
    {
        switch (Identify(path))
        {
            case CheckpointFormat.Safetensors:
                if (statePath is { Length: > 0 })
                    throw new CheckpointFormatException(path, statePath, null, "safetensors files are flat; a state-dict path does not apply");
                return new FoundStateDict(SafetensorsFile.Read(path), "", []);
            case CheckpointFormat.TorchZip:
            case CheckpointFormat.TorchLegacy:
                return TorchCheckpoint.LoadStateDict(path, statePath);
            default:
                throw new CheckpointFormatException(path, null, 0, "not a recognised checkpoint (expected safetensors, or a PyTorch .pth/.pt/.bin written by torch.save)");
        }
    }

    /// <summary>Shorthand for <see cref="Load"/>(path).StateDict.</summary>
    public static StateDict LoadStateDict(string path, string? statePath = null) => Load(path, statePath).StateDict;
}
