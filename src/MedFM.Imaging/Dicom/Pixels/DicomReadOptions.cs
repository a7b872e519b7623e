namespace MedFM.Imaging.Dicom;

/// <summary>How stored pixel values become voxels.</summary>
public sealed record DicomReadOptions
{
    /// <summary>
    /// Apply the modality LUT (rescale slope/intercept): values become float32 in real units (HU for CT) unless the
    /// rescale is the identity (slope 1, intercept 0), which keeps the stored type. Default true.
    /// </summary>
    public bool ApplyModalityLut { get; init; } = true;

    /// <summary>Always produce float32 voxels (rescaled or not). Default false.</summary>
    public bool ForceFloat32 { get; init; }

    /// <summary>
    /// MONOCHROME1 (minimum value shown white) is inverted so bright means high as in MONOCHROME2: a stored value v
    /// becomes (2^BitsStored − 1) − v for unsigned data, −1 − v for signed data, before the modality LUT. Default true.
    /// </summary>
    public bool InvertMonochrome1 { get; init; } = true;

    public static DicomReadOptions Default { get; } = new();
}
