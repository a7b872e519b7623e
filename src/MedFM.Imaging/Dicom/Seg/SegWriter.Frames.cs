namespace MedFM.Imaging.Dicom;

public static partial class SegWriter
{
    /// <summary>The per-frame groups and the packed 1-bit pixels: segment-major, slices in volume order, empty frames left out.</summary>
    private static (List<DicomDataset> PerFrame, byte[] Pixels, int Frames, int Bits) Frames(LabelVolume labels, DicomSeriesVolume source, IReadOnlyList<SegmentDescription> segments)
    {
        int w = labels.Width, h = labels.Height, d = labels.Depth, plane = w * h;
        var values = labels.VoxelType == VoxelType.UInt8 ? labels.GetData<byte>().ToArray().Select(x => (int)x).ToArray()
                                                         : labels.GetData<ushort>().ToArray().Select(x => (int)x).ToArray();
        var chosen = new List<(int Segment, int K)>();
        for (int s = 0; s < segments.Count; s++)
            for (int k = 0; k < d; k++)
                if (values.AsSpan(k * plane, plane).Contains(segments[s].LabelValue)) chosen.Add((s, k));
        if (chosen.Count == 0) throw new VolumeShapeException("none of the segments' labels occurs in the label volume");
        long bits = (long)chosen.Count * plane;
        var pixels = new byte[(bits + 7) / 8 + ((bits + 7) / 8 & 1)];
        var perFrame = new List<DicomDataset>(chosen.Count);
        long bit = 0;
        foreach (var (s, k) in chosen)
        {
            int label = segments[s].LabelValue;
            var slice = values.AsSpan(k * plane, plane);
            for (int i = 0; i < plane; i++, bit++)
                if (slice[i] == label) pixels[bit >> 3] |= (byte)(1 << (int)(bit & 7));
            perFrame.Add(FrameGroup(source, s + 1, k));
        }
        return (perFrame, pixels, chosen.Count, 1);
    }

    /// <param name="segmentNumber">The frame's segment (BINARY), or null for a label-map frame, which holds every segment.</param>
    private static DicomDataset FrameGroup(DicomSeriesVolume source, int? segmentNumber, int k)
    {
        var slice = source.Slices[k];
        var g = source.Volume.Geometry;
        var f = new DicomDataset();
        var sourceImage = new DicomDataset();
        sourceImage.Set(DicomTags.ReferencedSOPClassUID, DicomVR.UI, slice.SopClassUid);
        sourceImage.Set(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, slice.SopInstanceUid);
        if (slice.FrameNumber > 0) sourceImage.Set(DicomTags.ReferencedFrameNumber, DicomVR.IS, slice.FrameNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
        sourceImage.SetSequence(DicomTags.PurposeOfReferenceCodeSequence, DicomCode.SourceImageForProcessing.ToItem());
        var derivation = new DicomDataset();
        derivation.SetSequence(DicomTags.SourceImageSequence, sourceImage);
        derivation.SetSequence(DicomTags.DerivationCodeSequence, DicomCode.Segmentation.ToItem());
        f.SetSequence(DicomTags.DerivationImageSequence, derivation);
        var content = new DicomDataset();
        if (segmentNumber is { } n) content.SetUInt32(DicomTags.DimensionIndexValues, DicomVR.UL, (uint)n, (uint)(k + 1));
        else content.SetUInt32(DicomTags.DimensionIndexValues, DicomVR.UL, (uint)(k + 1));
        f.SetSequence(DicomTags.FrameContentSequence, content);
        var position = new DicomDataset();
        var p = g.IndexToWorld(0, 0, k);
        position.SetDecimals(DicomTags.ImagePositionPatient, p.X, p.Y, p.Z);
        f.SetSequence(DicomTags.PlanePositionSequence, position);
        if (segmentNumber is { } s)
        {
            var ident = new DicomDataset();
            ident.SetUInt16(DicomTags.ReferencedSegmentNumber, (ushort)s);
            f.SetSequence(DicomTags.SegmentIdentificationSequence, ident);
        }
        return f;
    }
}

/// <summary>sRGB to DICOM's scaled CIELab (PS3.3 §C.10.7.1.1): L* 0-100 and a*, b* −128-127 mapped onto 0-65535.</summary>
internal static class CieLab
{
    public static ushort[] FromRgb(byte r, byte g, byte b)
    {
        static double Lin(byte c) { double x = c / 255.0; return x <= 0.04045 ? x / 12.92 : Math.Pow((x + 0.055) / 1.055, 2.4); }
        double R = Lin(r), G = Lin(g), B = Lin(b);
        double X = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047, Y = 0.2126 * R + 0.7152 * G + 0.0722 * B, Z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
        static double F(double t) => t > 216.0 / 24389 ? Math.Cbrt(t) : (24389.0 / 27 * t + 16) / 116;
        double L = 116 * F(Y) - 16, A = 500 * (F(X) - F(Y)), Bb = 200 * (F(Y) - F(Z));
        return [(ushort)Math.Round(Math.Clamp(L, 0, 100) * 65535 / 100), (ushort)Math.Round((Math.Clamp(A, -128, 127) + 128) * 65535 / 255), (ushort)Math.Round((Math.Clamp(Bb, -128, 127) + 128) * 65535 / 255)];
    }
}
