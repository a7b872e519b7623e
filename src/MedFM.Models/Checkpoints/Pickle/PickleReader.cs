namespace MedFM.Models.Checkpoints.Pickle;

/// <summary>
/// Reads a plain Python pickle (protocols 0–5) through the same restricted, allow-list virtual machine that reads
/// checkpoints: data only, nothing executed, resources bounded by <see cref="UnpicklerLimits"/>. Persistent ids are
/// refused (they only make sense inside a PyTorch container; use <see cref="Torch.TorchCheckpoint"/> for those).
/// </summary>
public static class PickleReader
{
    /// <summary>Unpickles <paramref name="data"/>; <paramref name="name"/> names it in errors, which carry the opcode's byte offset.</summary>
    public static object? Load(byte[] data, string name = "<memory>", UnpicklerLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new Unpickler(new ArraySource(data, name), 0, data.Length, name, "pickle", reportRelative: true, limits, null).Load();
    }
}
