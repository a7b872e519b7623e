namespace MedFM.Imaging;

/// <summary>How resampling reads between voxel centres.</summary>
public enum Interpolation
{
    /// <summary>The nearest voxel (ties round up); keeps the voxel type. Always used for <see cref="LabelVolume"/>.</summary>
    Nearest,

    /// <summary>Linear along each axis (trilinear in 3-D, bilinear in 2-D); produces Float32.</summary>
    Linear,
}
