using System.Runtime.InteropServices;
using MedFM.Models.Checkpoints;
using MedFM.Models.Checkpoints.Safetensors;
using MedFM.NN;
using MedFM.Tensors;

namespace MedFM.Models.Loading;

/// <summary>Saves a module's state dict as safetensors (atomically), in float32 or float16 for the float entries.</summary>
public static class ModuleSafetensors
{
    public static void Save(Module module, string path, CheckpointDType floatType = CheckpointDType.F32,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (floatType is not (CheckpointDType.F32 or CheckpointDType.F16))
            throw new ArgumentException($"float entries are saved as F32 or F16, not {floatType}", nameof(floatType));
        SafetensorsFile.Write(path, module.StateDict().Select(kv => ToCheckpoint(kv.Key, kv.Value, floatType)), metadata);
    }

    private static CheckpointTensor ToCheckpoint(string name, Tensor t, CheckpointDType floatType)
    {
        var shape = t.ShapeArray();
        switch (t.DType)
        {
            case DType.Int64:
                return CheckpointTensor.FromInt64(name, t.ToLongArray(), shape);
            case DType.Float32 when floatType == CheckpointDType.F16:
                var values = t.ToArray();
                var half = new Half[values.Length];
                for (int i = 0; i < values.Length; i++) half[i] = (Half)values[i];
                return CheckpointTensor.FromBytes(name, CheckpointDType.F16, MemoryMarshal.AsBytes(half.AsSpan()).ToArray(), shape);
            case DType.Float32:
                return CheckpointTensor.FromFloat32(name, t.ToArray(), shape);
            default:
                throw new ArgumentException($"state-dict entry '{name}' has dtype {t.DType}, which is not saved");
        }
    }
}
