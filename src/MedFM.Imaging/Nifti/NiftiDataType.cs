namespace MedFM.Imaging.Nifti;

/// <summary>NIfTI datatype codes (nifti1.h NIFTI_TYPE_*).</summary>
public enum NiftiDataType : short
{
    None = 0,
    Binary = 1,
    UInt8 = 2,
    Int16 = 4,
    Int32 = 8,
    Float32 = 16,
    Complex64 = 32,
    Float64 = 64,
    Rgb24 = 128,
    Int8 = 256,
    UInt16 = 512,
    UInt32 = 768,
    Int64 = 1024,
    UInt64 = 1280,
    Float128 = 1536,
    Complex128 = 1792,
    Complex256 = 2048,
    Rgba32 = 2304,
}

/// <summary>How NIfTI datatypes map onto volumes.</summary>
public static class NiftiDataTypes
{
    /// <summary>Bits per voxel (the expected bitpix), or 0 for unknown codes.</summary>
    public static int BitsPerVoxel(NiftiDataType t) => t switch
    {
        NiftiDataType.UInt8 or NiftiDataType.Int8 => 8,
        NiftiDataType.Int16 or NiftiDataType.UInt16 => 16,
        NiftiDataType.Rgb24 => 24,
        NiftiDataType.Int32 or NiftiDataType.UInt32 or NiftiDataType.Float32 or NiftiDataType.Rgba32 => 32,
        NiftiDataType.Int64 or NiftiDataType.UInt64 or NiftiDataType.Float64 or NiftiDataType.Complex64 => 64,
        NiftiDataType.Float128 or NiftiDataType.Complex128 => 128,
        NiftiDataType.Complex256 => 256,
        _ => 0,
    };

    /// <summary>True for the datatypes the reader turns into a volume.</summary>
    public static bool IsSupported(NiftiDataType t) => t is NiftiDataType.UInt8 or NiftiDataType.Int8
        or NiftiDataType.Int16 or NiftiDataType.UInt16 or NiftiDataType.Int32 or NiftiDataType.UInt32
        or NiftiDataType.Float32 or NiftiDataType.Float64 or NiftiDataType.Rgb24 or NiftiDataType.Rgba32
        or NiftiDataType.Int64 or NiftiDataType.UInt64;

    /// <summary>The voxel type of the stored elements (Int64/UInt64 are widened to Float64 after reading).</summary>
    public static VoxelType StoredVoxelType(NiftiDataType t) => t switch
    {
        NiftiDataType.UInt8 or NiftiDataType.Rgb24 or NiftiDataType.Rgba32 => VoxelType.UInt8,
        NiftiDataType.Int8 => VoxelType.Int8,
        NiftiDataType.Int16 => VoxelType.Int16,
        NiftiDataType.UInt16 => VoxelType.UInt16,
        NiftiDataType.Int32 => VoxelType.Int32,
        NiftiDataType.UInt32 => VoxelType.UInt32,
        NiftiDataType.Float32 => VoxelType.Float32,
        NiftiDataType.Float64 or NiftiDataType.Int64 or NiftiDataType.UInt64 => VoxelType.Float64,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unsupported NIfTI datatype"),
    };

    /// <summary>Components per voxel: 3 for RGB24, 4 for RGBA32, else 1.</summary>
    public static int Components(NiftiDataType t) => t switch
    {
        NiftiDataType.Rgb24 => 3,
        NiftiDataType.Rgba32 => 4,
        _ => 1,
    };

    /// <summary>The datatype a volume is written as.</summary>
    public static NiftiDataType ForVolume(Volume v) => (v.VoxelType, v.Components) switch
    {
        (VoxelType.UInt8, 3) => NiftiDataType.Rgb24,
        (VoxelType.UInt8, 4) => NiftiDataType.Rgba32,
        (_, 1) => v.VoxelType switch
        {
            VoxelType.UInt8 => NiftiDataType.UInt8,
            VoxelType.Int8 => NiftiDataType.Int8,
            VoxelType.Int16 => NiftiDataType.Int16,
            VoxelType.UInt16 => NiftiDataType.UInt16,
            VoxelType.Int32 => NiftiDataType.Int32,
            VoxelType.UInt32 => NiftiDataType.UInt32,
            VoxelType.Float32 => NiftiDataType.Float32,
            _ => NiftiDataType.Float64,
        },
        _ => throw new VolumeShapeException(
            $"NIfTI stores 1 component of any type or 3/4 components of UInt8 (RGB24/RGBA32); found {v.Components} of {v.VoxelType}"),
    };
}
