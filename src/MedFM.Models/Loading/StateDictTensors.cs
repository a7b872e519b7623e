using MedFM.Models.Checkpoints;
using MedFM.NN;
using MedFM.Tensors;

namespace MedFM.Models.Loading;

/// <summary>Turns checkpoint entries into engine tensors (float types → float32, integer types → int64, bool → bool).</summary>
public static class StateDictTensors
{
    public static Tensor ToTensor(this CheckpointTensor t)
    {
        if (t.Rank > ShapeUtil.MaxRank)
            throw new CheckpointFormatException(t.Name, null, null, $"rank {t.Rank} exceeds the engine's maximum of {ShapeUtil.MaxRank}");
        if (t.DType.IsFloatingPoint()) return Tensor.Wrap(t.ToFloat32(), t.Shape);
        if (t.DType == CheckpointDType.Bool) return Tensor.Wrap(t.ToFloat32(), t.Shape).To(DType.Bool);
        return Tensor.FromLongs(t.ToInt64(), t.Shape);
    }

    /// <summary>All entries as tensors, by key (optionally only those whose key starts with a prefix, which is removed).</summary>
    public static Dictionary<string, Tensor> ToTensors(this IReadOnlyDictionary<string, CheckpointTensor> state, string prefix = "")
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in state)
            if (key.StartsWith(prefix, StringComparison.Ordinal))
                result[key[prefix.Length..]] = value.ToTensor();
        return result;
    }

    /// <summary>
    /// Loads checkpoint entries into a module (keys renamed by <paramref name="rename"/>), checking every key and shape
    /// first and converting each entry to a tensor only when it is copied, so at most one converted entry is alive.
    /// </summary>
    public static LoadReport LoadInto(this IReadOnlyDictionary<string, CheckpointTensor> state, Module module, Func<string, string>? rename = null, bool strict = true)
    {
        var byKey = new Dictionary<string, CheckpointTensor>(StringComparer.Ordinal);
        foreach (var (key, value) in state) byKey[rename?.Invoke(key) ?? key] = value;
        return module.LoadStateDictInto(byKey.ToDictionary(kv => kv.Key, kv => kv.Value.Shape, StringComparer.Ordinal),
            (key, target) => byKey[key].CopyInto(target), strict);
    }

    /// <summary>
    /// Copies the entry's values into <paramref name="target"/> (same element count; the shape was checked by the
    /// caller): float entries go straight from the file into a contiguous float32 target, with no intermediate copy.
    /// </summary>
    public static void CopyInto(this CheckpointTensor source, Tensor target)
    {
        if (target.DType == DType.Float32 && target.IsContiguous && source.DType.IsFloatingPoint() && source.ElementCount == target.Numel)
            source.ReadFloat32Into(target.Span);
        else
            target.CopyFrom(source.ToTensor().Reshape(target.ShapeArray()).To(target.DType));
    }
}
