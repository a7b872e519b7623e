namespace MedFM.Tensors;

/// <summary>
/// Element types a Tensor holds. Compute is float32; Int64 carries indices (argsort, topk, gather, token ids) and
/// Bool carries masks (stored as 0/1 floats so masks combine with arithmetic without conversion).
/// Half, BFloat16 and other checkpoint dtypes convert to Float32 on load (see Tensor.FromHalf / FromBFloat16).
/// </summary>
public enum DType
{
    Float32,
    Int64,
    Bool,
}

public static class DTypeExtensions
{
    public static string Name(this DType t) => t switch
    {
        DType.Float32 => "float32",
        DType.Int64 => "int64",
        DType.Bool => "bool",
        _ => t.ToString(),
    };

    /// <summary>Float32 and Bool share float storage; Int64 has its own.</summary>
    internal static bool UsesFloatStorage(this DType t) => t != DType.Int64;
}
