using System.IO.Compression;

namespace MedFM.Imaging.Nifti;

/// <summary>Options of <see cref="NiftiWriter"/>.</summary>
public sealed record NiftiWriteOptions
{
    public static NiftiWriteOptions Default { get; } = new();

    /// <summary>1 or 2; null picks NIfTI-1 unless a dimension exceeds 32767.</summary>
    public int? Version { get; init; }

    /// <summary>qform_code written with a known geometry (1 = scanner anatomical).</summary>
    public int QformCode { get; init; } = 1;

    /// <summary>sform_code written with a known geometry (1 = scanner anatomical; 2 aligned, 3 Talairach, 4 MNI).</summary>
    public int SformCode { get; init; } = 1;

    /// <summary>xyzt_units: 2 (mm) + 8 (s) by default.</summary>
    public int XyztUnits { get; init; } = 10;

    /// <summary>pixdim[4], the time step between frames.</summary>
    public double TimeStep { get; init; } = 1;

    /// <summary>descrip (up to 79 Latin-1 characters).</summary>
    public string Description { get; init; } = "";

    /// <summary>Write big-endian (for interchange tests; little-endian is the norm).</summary>
    public bool BigEndian { get; init; }

    /// <summary>Compression level for .gz outputs (nibabel uses level 1; Fastest is its equivalent).</summary>
    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Fastest;
}
