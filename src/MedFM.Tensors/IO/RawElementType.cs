namespace MedFM.Tensors.IO;

/// <summary>
/// Element types as stored in array and checkpoint files (NumPy .npy, safetensors, PyTorch storages), before
/// conversion to the engine's compute types (float32 and int64).
/// </summary>
public enum RawElementType
{
    Float32,
    Float16,
    BFloat16,
    Float64,
    Int64,
    Int32,
    Int16,
    Int8,
    UInt8,
    Bool,
    UInt16,
    UInt32,
}

public static class RawElementTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this RawElementType t) => t switch
    {
        RawElementType.Float32 or RawElementType.Int32 or RawElementType.UInt32 => 4,
        RawElementType.Float16 or RawElementType.BFloat16 or RawElementType.Int16 or RawElementType.UInt16 => 2,
        RawElementType.Float64 or RawElementType.Int64 => 8,
        RawElementType.Int8 or RawElementType.UInt8 or RawElementType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown element type"),
    };

    /// <summary>True for float16, bfloat16, float32 and float64.</summary>
    public static bool IsFloatingPoint(this RawElementType t) =>
        t is RawElementType.Float32 or RawElementType.Float16 or RawElementType.BFloat16 or RawElementType.Float64;
}
