namespace MedFM.Imaging.Nifti;

/// <summary>Options of <see cref="NiftiReader"/>.</summary>
public sealed record NiftiReadOptions
{
    public static NiftiReadOptions Default { get; } = new();

    /// <summary>
    /// Apply scl_slope/scl_inter when they are non-trivial (slope finite and non-zero, and not (1, 0)); the volume
    /// is then Float32 (Float64 when the stored type is Float64, Int32, UInt32 or 64-bit). When false, raw values are kept.
    /// </summary>
    public bool ApplyScaling { get; init; } = true;

    /// <summary>
    /// Convert voxels to Float32 while reading (scaling applied when non-trivial), in chunks, without first building
    /// an array of the stored type: the usual input of models, with one allocation instead of two.
    /// </summary>
    public bool AsFloat32 { get; init; }

    /// <summary>Largest number of voxel elements accepted (guards against hostile headers); default 2^31 − 1 minus slack.</summary>
    public long MaxElements { get; init; } = Array.MaxLength;
}
