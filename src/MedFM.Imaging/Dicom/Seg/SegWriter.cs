using System.Globalization;
using MedFM.Imaging.Geometry;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Writes a DICOM Segmentation (PS3.3 §A.51, Segmentation IOD) from a label volume on the grid of a loaded source
/// series, of one of two types (<see cref="SegWriterOptions.Type"/>):
/// <list type="bullet">
/// <item>BINARY (Segmentation Storage, the default): one 1-bit frame per (segment, slice) that holds the segment, frames
/// packed continuously; per-frame SegmentIdentificationSequence; dimensions (segment, position).</item>
/// <item>LABELMAP (Label Map Segmentation Storage, DICOM Supplement 243): one 8- or 16-bit MONOCHROME2 frame per slice
/// that holds any segment, each pixel the Segment Number of its segment (the label value itself) and 0 the background
/// (Pixel Padding Value 0, described by a "Background" segment 0, since every value in the pixel data has to be
/// described); no segment identification per frame; dimension (position) only; Segments Overlap NO.</item>
/// </list>
/// Both carry per-frame DerivationImageSequence/SourceImageSequence (purpose of reference 121322), FrameContentSequence
/// and PlanePositionSequence; shared PixelMeasuresSequence and PlaneOrientationSequence; ReferencedSeriesSequence to
/// every source instance.
/// </summary>
public static partial class SegWriter
{
    public const string SegmentationStorage = "1.2.840.10008.5.1.4.1.1.66.4";

    /// <summary>Label Map Segmentation Storage (Supplement 243): the SOP class of LABELMAP segmentations.</summary>
    public const string LabelMapSegmentationStorage = "1.2.840.10008.5.1.4.1.1.66.7";

    /// <summary>Writes the SEG to <paramref name="path"/> (atomically) and returns its dataset.</summary>
    public static DicomDataset Write(string path, LabelVolume labels, DicomSeriesVolume source, SegWriterOptions? options = null)
    {
        var ds = Build(labels, source, options);
        DicomWriter.Write(path, ds);
        return ds;
    }

    /// <summary>Builds the SEG dataset.</summary>
    public static DicomDataset Build(LabelVolume labels, DicomSeriesVolume source, SegWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(source);
        var o = options ?? new SegWriterOptions();
        var v = source.Volume;
        if (labels.Width != v.Width || labels.Height != v.Height || labels.Depth != v.Depth || labels.Frames != 1)
            throw new VolumeShapeException($"labels {labels.Shape} do not match the source series volume {v.Shape}");
        if (!v.Geometry.IsKnown)
            throw new GeometryException("the source series has no patient geometry: a SEG needs plane positions");
        if (labels.Geometry.IsKnown && !labels.Geometry.InFrame(AnatomicalFrame.Lps).ApproximatelyEquals(v.Geometry, 1e-3))
            throw new GeometryException($"the labels' geometry {labels.Geometry} differs from the source series' {v.Geometry}");
        var segments = o.Segments ?? labels.DistinctLabels().Where(l => l != 0).Select(l => new SegmentDescription(l, $"Segment {l}")).ToList();
        if (segments.Count == 0) throw new VolumeShapeException("the label volume has no non-zero label: nothing to segment");
        bool labelMap = o.Type == SegmentationType.LabelMap;
        if (labelMap) CheckLabelMapSegments(segments);
        var refHeader = source.Series.ReferenceHeader;
        var ds = new DicomDataset(DicomCharacterSet.Utf8);
        var now = o.ContentTime ?? DateTime.Now;
        string date = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture), time = now.ToString("HHmmss.ffffff", CultureInfo.InvariantCulture);
        string seriesUid = o.SeriesInstanceUid ?? DicomUid.Generate(), sopUid = o.SopInstanceUid ?? DicomUid.Generate();
        string dimensionUid = DicomUid.FromName("dimension " + sopUid);
        ds.Set(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
        ds.Set(DicomTags.ImageType, DicomVR.CS, "DERIVED", "PRIMARY");
        ds.Set(DicomTags.InstanceCreationDate, DicomVR.DA, date).Set(DicomTags.InstanceCreationTime, DicomVR.TM, time);
        ds.Set(DicomTags.SOPClassUID, DicomVR.UI, labelMap ? LabelMapSegmentationStorage : SegmentationStorage).Set(DicomTags.SOPInstanceUID, DicomVR.UI, sopUid);
        ds.Set(DicomTags.SeriesDate, DicomVR.DA, date).Set(DicomTags.SeriesTime, DicomVR.TM, time);
        ds.Set(DicomTags.ContentDate, DicomVR.DA, date).Set(DicomTags.ContentTime, DicomVR.TM, time);
        ds.Set(DicomTags.Modality, DicomVR.CS, "SEG").Set(DicomTags.Manufacturer, DicomVR.LO, o.Manufacturer);
        ds.Set(DicomTags.SeriesDescription, DicomVR.LO, o.SeriesDescription);
        ds.Set(DicomTags.ManufacturerModelName, DicomVR.LO, "MedFM").Set(DicomTags.DeviceSerialNumber, DicomVR.LO, "0");
        ds.Set(DicomTags.SoftwareVersions, DicomVR.LO, o.AlgorithmVersion);
        CopyPatientAndStudy(refHeader, ds);
        ds.Set(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesUid);
        ds.Set(DicomTags.SeriesNumber, DicomVR.IS, o.SeriesNumber.ToString(CultureInfo.InvariantCulture));
        ds.Set(DicomTags.InstanceNumber, DicomVR.IS, o.InstanceNumber.ToString(CultureInfo.InvariantCulture));
        ds.Set(DicomTags.FrameOfReferenceUID, DicomVR.UI, source.FrameOfReferenceUid ?? DicomUid.FromName("frame of reference " + source.SeriesInstanceUid));
        ds.Set(DicomTags.PositionReferenceIndicator, DicomVR.LO, "");
        ds.Set(new DicomTag(0x0070, 0x0080), DicomVR.CS, o.ContentLabel);          // ContentLabel
        ds.Set(new DicomTag(0x0070, 0x0081), DicomVR.LO, o.SeriesDescription);    // ContentDescription
        ds.Set(new DicomTag(0x0070, 0x0084), DicomVR.PN, o.AlgorithmName + "^");  // ContentCreatorName (family name component)
        ds.SetSequence(DicomTags.ReferencedSeriesSequence, ReferencedSeries(source));
        SetDimensions(ds, dimensionUid, bySegment: !labelMap);
        ds.SetSequence(DicomTags.SharedFunctionalGroupsSequence, SharedGroups(v.Geometry));
        var (perFrame, pixels, frames, bits) = labelMap ? LabelMapFrames(labels, source, segments) : Frames(labels, source, segments);
        ds.SetSequence(DicomTags.PerFrameFunctionalGroupsSequence, perFrame.ToArray());
        ds.SetUInt16(DicomTags.SamplesPerPixel, 1).Set(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
        ds.Set(DicomTags.NumberOfFrames, DicomVR.IS, frames.ToString(CultureInfo.InvariantCulture));
        ds.SetUInt16(DicomTags.Rows, (ushort)v.Height).SetUInt16(DicomTags.Columns, (ushort)v.Width);
        ds.SetUInt16(DicomTags.BitsAllocated, (ushort)bits).SetUInt16(DicomTags.BitsStored, (ushort)bits).SetUInt16(DicomTags.HighBit, (ushort)(bits - 1));
        ds.SetUInt16(DicomTags.PixelRepresentation, 0);
        if (labelMap) ds.SetUInt16(DicomTags.PixelPaddingValue, 0); // the background
        ds.Set(DicomTags.LossyImageCompression, DicomVR.CS, "00");
        ds.Set(DicomTags.SegmentationType, DicomVR.CS, labelMap ? "LABELMAP" : "BINARY");
        ds.Set(DicomTags.SegmentsOverlap, DicomVR.CS, "NO");
        ds.SetSequence(DicomTags.SegmentSequence, labelMap
            ? [BackgroundItem(o), .. segments.Select(s => SegmentItem(s, s.LabelValue, o))]
            : segments.Select((s, i) => SegmentItem(s, i + 1, o)).ToArray());
        ds.SetBytes(DicomTags.PixelData, bits == 16 ? DicomVR.OW : DicomVR.OB, pixels);
        return ds;
    }

    private static readonly DicomTag[] PatientStudy =
    [
        DicomTags.PatientName, DicomTags.PatientID, DicomTags.PatientBirthDate, DicomTags.PatientSex,
        DicomTags.StudyInstanceUID, DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.ReferringPhysicianName,
        DicomTags.StudyID, DicomTags.AccessionNumber, DicomTags.StudyDescription,
    ];

    private static void CopyPatientAndStudy(DicomDataset from, DicomDataset to)
    {
        foreach (var tag in PatientStudy)
        {
            var vr = DicomDictionary.VROf(tag);
            to.Set(tag, vr, from.GetString(tag) ?? ""); // type 2: present, possibly empty
        }
    }

    private static DicomDataset[] ReferencedSeries(DicomSeriesVolume source)
    {
        var instances = source.Slices.GroupBy(s => s.SopInstanceUid).Select(g =>
        {
            var d = new DicomDataset();
            d.Set(DicomTags.ReferencedSOPClassUID, DicomVR.UI, g.First().SopClassUid);
            d.Set(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, g.Key);
            return d;
        }).ToArray();
        var item = new DicomDataset();
        item.SetSequence(DicomTags.ReferencedInstanceSequence, instances);
        item.Set(DicomTags.SeriesInstanceUID, DicomVR.UI, source.SeriesInstanceUid);
        return [item];
    }

    private static void SetDimensions(DicomDataset ds, string uid, bool bySegment)
    {
        var org = new DicomDataset().Set(DicomTags.DimensionOrganizationUID, DicomVR.UI, uid);
        ds.SetSequence(DicomTags.DimensionOrganizationSequence, org);
        ds.Set(DicomTags.DimensionOrganizationType, DicomVR.CS, "3D");
        DicomDataset Index(DicomTag pointer, DicomTag group, string label)
        {
            var d = new DicomDataset();
            d.SetTags(DicomTags.DimensionIndexPointer, pointer).SetTags(DicomTags.FunctionalGroupPointer, group);
            d.Set(DicomTags.DimensionOrganizationUID, DicomVR.UI, uid).Set(DicomTags.DimensionDescriptionLabel, DicomVR.LO, label);
            return d;
        }
        var position = Index(DicomTags.ImagePositionPatient, DicomTags.PlanePositionSequence, "ImagePositionPatient");
        ds.SetSequence(DicomTags.DimensionIndexSequence, bySegment
            ? [Index(DicomTags.ReferencedSegmentNumber, DicomTags.SegmentIdentificationSequence, "ReferencedSegmentNumber"), position]
            : [position]);
    }

    private static DicomDataset SharedGroups(ImageGeometry g)
    {
        var measures = new DicomDataset();
        measures.SetDecimals(DicomTags.PixelSpacing, g.Spacing.Y, g.Spacing.X);
        measures.SetDecimals(DicomTags.SliceThickness, g.Spacing.Z);
        measures.SetDecimals(DicomTags.SpacingBetweenSlices, g.Spacing.Z);
        var orientation = new DicomDataset();
        var r = g.Direction.Column(0); var c = g.Direction.Column(1);
        orientation.SetDecimals(DicomTags.ImageOrientationPatient, r.X, r.Y, r.Z, c.X, c.Y, c.Z);
        var shared = new DicomDataset();
        shared.SetSequence(DicomTags.PixelMeasuresSequence, measures);
        shared.SetSequence(DicomTags.PlaneOrientationSequence, orientation);
        return shared;
    }

    private static DicomDataset SegmentItem(SegmentDescription s, int number, SegWriterOptions o)
    {
        var d = new DicomDataset();
        d.SetSequence(DicomTags.SegmentedPropertyCategoryCodeSequence, s.Category.ToItem());
        d.SetUInt16(DicomTags.SegmentNumber, (ushort)number);
        d.Set(DicomTags.SegmentLabel, DicomVR.LO, s.Label);
        d.Set(DicomTags.SegmentAlgorithmType, DicomVR.CS, "AUTOMATIC");
        d.Set(DicomTags.SegmentAlgorithmName, DicomVR.LO, o.AlgorithmName);
        if (s.Color is { } rgb) d.SetUInt16(DicomTags.RecommendedDisplayCIELabValue, CieLab.FromRgb(rgb.R, rgb.G, rgb.B));
        d.SetSequence(DicomTags.SegmentedPropertyTypeCodeSequence, s.Type.ToItem());
        return d;
    }
}
