namespace MedFM.Imaging.Nifti;

/// <summary>A NIfTI file as read: its header (codes, units, intent, description) and its volume.</summary>
public sealed class NiftiImage
{
    public NiftiImage(NiftiHeader header, Volume volume)
    {
        Header = header ?? throw new ArgumentNullException(nameof(header));
        Volume = volume ?? throw new ArgumentNullException(nameof(volume));
    }

    public NiftiHeader Header { get; }

    /// <summary>The voxels with their geometry in RAS (the header's best affine).</summary>
    public Volume Volume { get; }
}
