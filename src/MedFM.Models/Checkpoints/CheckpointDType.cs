using MedFM.Tensors.IO;

namespace MedFM.Models.Checkpoints;

/// <summary>Element types of checkpoint tensors (safetensors dtype names; PyTorch storage types map onto them).</summary>
public enum CheckpointDType
{
    F32,
    F16,
    BF16,
    F64,
    I64,
    I32,
    I16,
    I8,
    U8,
    Bool,
}

public static class CheckpointDTypeExtensions
{
    public static int Size(this CheckpointDType t) => t.ToRaw().Size();

    public static bool IsFloatingPoint(this CheckpointDType t) => t is CheckpointDType.F32 or CheckpointDType.F16 or CheckpointDType.BF16 or CheckpointDType.F64;

    public static RawElementType ToRaw(this CheckpointDType t) => t switch
    {
        CheckpointDType.F32 => RawElementType.Float32,
        CheckpointDType.F16 => RawElementType.Float16,
        CheckpointDType.BF16 => RawElementType.BFloat16,
        CheckpointDType.F64 => RawElementType.Float64,
        CheckpointDType.I64 => RawElementType.Int64,
        CheckpointDType.I32 => RawElementType.Int32,
        CheckpointDType.I16 => RawElementType.Int16,
        CheckpointDType.I8 => RawElementType.Int8,
        CheckpointDType.U8 => RawElementType.UInt8,
        CheckpointDType.Bool => RawElementType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown checkpoint dtype"),
    };

    /// <summary>The dtype's name in a safetensors header ("F32", "BOOL", ...).</summary>
    public static string SafetensorsName(this CheckpointDType t) => t == CheckpointDType.Bool ? "BOOL" : t.ToString();

    /// <summary>Parses a safetensors dtype name; null for names this reader does not support (U16, F8_E4M3, C64, ...).</summary>
    public static CheckpointDType? FromSafetensorsName(string name) => name switch
    {
        "F32" => CheckpointDType.F32, "F16" => CheckpointDType.F16, "BF16" => CheckpointDType.BF16, "F64" => CheckpointDType.F64,
        "I64" => CheckpointDType.I64, "I32" => CheckpointDType.I32, "I16" => CheckpointDType.I16, "I8" => CheckpointDType.I8,
        "U8" => CheckpointDType.U8, "BOOL" => CheckpointDType.Bool,
        _ => null,
    };

    /// <summary>The PyTorch name (torch.float32, ...), for messages.</summary>
    public static string TorchName(this CheckpointDType t) => t switch
    {
        CheckpointDType.F32 => "float32", CheckpointDType.F16 => "float16", CheckpointDType.BF16 => "bfloat16",
        CheckpointDType.F64 => "float64", CheckpointDType.I64 => "int64", CheckpointDType.I32 => "int32",
        CheckpointDType.I16 => "int16", CheckpointDType.I8 => "int8", CheckpointDType.U8 => "uint8", _ => "bool",
    };
}
