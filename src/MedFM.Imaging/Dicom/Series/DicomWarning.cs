namespace MedFM.Imaging.Dicom;

/// <summary>What kind of problem a series scan or load found.</summary>
public enum DicomWarningKind
{
    /// <summary>A file that is not DICOM or could not be parsed (it is skipped).</summary>
    Unreadable,
    /// <summary>A file without image pixels (no Rows/Columns): skipped.</summary>
    NotAnImage,
    /// <summary>One SeriesInstanceUID holds images of different sizes, orientations or sample counts: split into parts.</summary>
    MixedSeries,
    /// <summary>Slices without ImagePositionPatient/ImageOrientationPatient: ordered by InstanceNumber, geometry unknown.</summary>
    NoGeometry,
    /// <summary>Two slices at the same position: the later ones are dropped.</summary>
    DuplicatePosition,
    /// <summary>Slice spacing varies more than the tolerance (the volume uses the median spacing).</summary>
    IrregularSpacing,
    /// <summary>Gaps of whole multiples of the spacing: slices are missing.</summary>
    MissingSlices,
    /// <summary>The slice step is not along the slice normal (gantry tilt): the volume's k axis is sheared.</summary>
    GantryTilt,
    /// <summary>Slices with different rescale types or pixel layouts were converted to float32.</summary>
    MixedPixels,
    /// <summary>A Specific Character Set this library does not decode (text read as Latin-1).</summary>
    UnsupportedCharacterSet,
    /// <summary>The folder holds more image series than the one loaded (chosen as the largest when none was named).</summary>
    OtherSeries,
}

/// <summary>One warning, with the file it concerns when there is one.</summary>
public sealed record DicomWarning(DicomWarningKind Kind, string Message, string? File = null)
{
    public override string ToString() => File is null ? $"{Kind}: {Message}" : $"{Kind}: {Message} ({File})";
}
