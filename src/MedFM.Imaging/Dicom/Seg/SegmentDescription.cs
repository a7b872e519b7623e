namespace MedFM.Imaging.Dicom;

/// <summary>A coded concept (PS3.3 §8.8): code value, coding scheme designator (SCT = SNOMED CT, DCM) and meaning.</summary>
public sealed record DicomCode(string Value, string Scheme, string Meaning)
{
    /// <summary>SCT 91723000 "Anatomical Structure": the default segmented property category.</summary>
    public static DicomCode AnatomicalStructure { get; } = new("91723000", "SCT", "Anatomical Structure");

    /// <summary>SCT 85756007 "Tissue": the default segmented property type.</summary>
    public static DicomCode Tissue { get; } = new("85756007", "SCT", "Tissue");

    /// <summary>SCT 49755003 "Morphologically Altered Structure" (lesions, tumours).</summary>
    public static DicomCode MorphologicallyAlteredStructure { get; } = new("49755003", "SCT", "Morphologically Altered Structure");

    /// <summary>DCM 125040 "Background": category and type of the background segment (0) of a label-map SEG.</summary>
    public static DicomCode Background { get; } = new("125040", "DCM", "Background");

    /// <summary>DCM 121322 "Source image for image processing operation" (purpose of reference of SEG source images).</summary>
    public static DicomCode SourceImageForProcessing { get; } = new("121322", "DCM", "Source image for image processing operation");

    /// <summary>DCM 113076 "Segmentation" (derivation code of SEG frames).</summary>
    public static DicomCode Segmentation { get; } = new("113076", "DCM", "Segmentation");

    /// <summary>DCM 113100 "Basic Application Confidentiality Profile".</summary>
    public static DicomCode BasicConfidentialityProfile { get; } = new("113100", "DCM", "Basic Application Confidentiality Profile");

    internal DicomDataset ToItem()
    {
        var d = new DicomDataset();
        d.Set(DicomTags.CodeValue, DicomVR.SH, Value);
        d.Set(DicomTags.CodingSchemeDesignator, DicomVR.SH, Scheme);
        d.Set(DicomTags.CodeMeaning, DicomVR.LO, Meaning);
        return d;
    }
}

/// <summary>One segment of a SEG: the label value it comes from, its name and its coded category and type.</summary>
public sealed record SegmentDescription(int LabelValue, string Label)
{
    public DicomCode Category { get; init; } = DicomCode.AnatomicalStructure;
    public DicomCode Type { get; init; } = DicomCode.Tissue;

    /// <summary>Recommended display colour as RGB 0-255 (written as CIELab); null writes none.</summary>
    public (byte R, byte G, byte B)? Color { get; init; }
}

/// <summary>How a SEG encodes its segments (Segmentation Type (0062,0001)).</summary>
public enum SegmentationType
{
    /// <summary>BINARY: one 1-bit frame per segment and slice (Segmentation Storage).</summary>
    Binary,

    /// <summary>LABELMAP: one 8- or 16-bit frame per slice whose pixels are Segment Numbers (Label Map Segmentation Storage, Supplement 243).</summary>
    LabelMap,
}

/// <summary>What to write into a SEG besides the labels.</summary>
public sealed record SegWriterOptions
{
    /// <summary>BINARY (the default) or LABELMAP.</summary>
    public SegmentationType Type { get; init; } = SegmentationType.Binary;

    /// <summary>The segments; null describes every non-zero label present as "Segment N" with the default codes.</summary>
    public IReadOnlyList<SegmentDescription>? Segments { get; init; }
    public string SeriesDescription { get; init; } = "MedFM segmentation";
    public int SeriesNumber { get; init; } = 9001;
    public int InstanceNumber { get; init; } = 1;
    public string ContentLabel { get; init; } = "SEGMENTATION";
    public string AlgorithmName { get; init; } = "MedFM";
    public string AlgorithmVersion { get; init; } = "0.1";
    public string Manufacturer { get; init; } = "MedFM";

    /// <summary>UIDs of the new series and instance; generated when null.</summary>
    public string? SeriesInstanceUid { get; init; }
    public string? SopInstanceUid { get; init; }

    /// <summary>Time stamp of the content (now when null).</summary>
    public DateTime? ContentTime { get; init; }
}
