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

    /// <summary>
    /// Inflate gzipped files with libdeflate when it is installed (Debian package libdeflate0): the compressed file is
    /// read whole, inflated in one call and the voxels taken from that buffer, or inflated straight into the voxel array
    /// when they are all the file holds (ch2.nii.gz: about 15 ms against 19 ms).
    /// The managed streaming inflater is used when this is false, when the library is absent, when the image would need a
    /// buffer over 1 GiB, and when libdeflate refuses the input (corrupt or truncated gzip, bytes after the last member,
    /// more data after the voxels than the gzip size field announces): errors are then the managed reader's.
    /// </summary>
    public bool NativeInflate { get; init; } = true;

    /// <summary>Largest number of voxel elements accepted (guards against hostile headers); default 2^31 − 1 minus slack.</summary>
    public long MaxElements { get; init; } = Array.MaxLength;
}
