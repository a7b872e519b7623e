namespace MedFM.Imaging.Geometry;

/// <summary>
/// The patient-based world frame that world coordinates are expressed in.
/// DICOM uses LPS (+x toward the patient's Left, +y Posterior, +z Superior);
/// NIfTI and nibabel use RAS (+x Right, +y Anterior, +z Superior).
/// Converting between them negates the first two world axes.
/// </summary>
public enum AnatomicalFrame
{
    /// <summary>+x Left, +y Posterior, +z Superior (DICOM, ITK).</summary>
    Lps,

    /// <summary>+x Right, +y Anterior, +z Superior (NIfTI, nibabel, FreeSurfer).</summary>
    Ras,
}
