namespace MedFM.Tensors.IO;

/// <summary>A malformed or unsupported .npy file. The message names the file and the byte offset of the problem.</summary>
public sealed class NpyFormatException : IOException
{
    public NpyFormatException(string file, long offset, string message)
        : base($"{file}: at byte {offset}: {message}")
    {
        File = file;
        Offset = offset;
    }

    /// <summary>The file (or the name given for an in-memory buffer).</summary>
    public string File { get; }

    /// <summary>Byte offset in the file where the problem was found.</summary>
    public long Offset { get; }
}
