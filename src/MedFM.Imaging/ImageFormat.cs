namespace MedFM.Imaging;

/// <summary>File formats <see cref="ImageFile"/> recognises by their leading bytes.</summary>
public enum ImageFormat
{
    Unknown,
    Png,
    Jpeg,
    Nifti,

    /// <summary>A gzip stream whose content starts with a NIfTI header (.nii.gz).</summary>
    NiftiGzip,

    /// <summary>DICOM Part 10 ("DICM" after the 128-byte preamble); read by the DICOM side of the library.</summary>
    Dicom,
}
