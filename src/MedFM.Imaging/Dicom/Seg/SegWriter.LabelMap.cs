namespace MedFM.Imaging.Dicom;

public static partial class SegWriter
{
    /// <summary>
    /// A label map's Segment Numbers are its pixel values: each described label value is its own Segment Number
    /// (1-65535, unique; Supplement 243 does not ask them to start at 1 or to be consecutive), and 0 is the background.
    /// </summary>
    private static void CheckLabelMapSegments(IReadOnlyList<SegmentDescription> segments)
    {
        var seen = new HashSet<int>();
        foreach (var s in segments)
        {
            if (s.LabelValue is < 1 or > ushort.MaxValue)
                throw new ArgumentException($"segment '{s.Label}': label value {s.LabelValue} cannot be a label-map Segment Number (1-65535; 0 is the background)");
            if (!seen.Add(s.LabelValue))
                throw new ArgumentException($"label value {s.LabelValue} is described twice: a label-map Segment Number must be unique");
        }
    }

    /// <summary>
    /// The per-frame groups and the pixels of a label map: one frame per slice holding a described label, each pixel its
    /// label's Segment Number (undescribed labels become background 0), 8 bits when every number fits, else 16.
    /// </summary>
    private static (List<DicomDataset> PerFrame, byte[] Pixels, int Frames, int Bits) LabelMapFrames(LabelVolume labels, DicomSeriesVolume source, IReadOnlyList<SegmentDescription> segments)
    {
        int plane = labels.Width * labels.Height, depth = labels.Depth;
        int max = segments.Max(s => s.LabelValue), bits = max <= byte.MaxValue ? 8 : 16;
        var described = new bool[ushort.MaxValue + 1];
        foreach (var s in segments) described[s.LabelValue] = true;
        bool wide = labels.VoxelType != VoxelType.UInt8;
        ReadOnlySpan<byte> u8 = wide ? default : labels.GetData<byte>();
        ReadOnlySpan<ushort> u16 = wide ? labels.GetData<ushort>() : default;
        var slices = new List<int>();
        for (int k = 0; k < depth; k++)
            for (int i = k * plane; i < (k + 1) * plane; i++)
                if (described[wide ? u16[i] : u8[i]]) { slices.Add(k); break; }
        if (slices.Count == 0) throw new VolumeShapeException("none of the segments' labels occurs in the label volume");
        long bytes = (long)slices.Count * plane * (bits / 8);
        if (bytes > Array.MaxLength - 1) throw new VolumeShapeException($"a label map of {slices.Count} frames of {labels.Width}×{labels.Height} is larger than 2 GB");
        var pixels = new byte[bytes + (bytes & 1)]; // pixel data has an even length: 8-bit data pads one zero byte
        var perFrame = new List<DicomDataset>(slices.Count);
        long at = 0;
        foreach (int k in slices)
        {
            for (int i = k * plane; i < (k + 1) * plane; i++)
            {
                int v = wide ? u16[i] : u8[i];
                int number = described[v] ? v : 0;
                if (bits == 8) pixels[at++] = (byte)number;
                else { pixels[at++] = (byte)number; pixels[at++] = (byte)(number >> 8); }
            }
            perFrame.Add(FrameGroup(source, null, k));
        }
        return (perFrame, pixels, slices.Count, bits);
    }

    /// <summary>Segment 0, the background: Supplement 243 asks every value present in the pixel data to be described.</summary>
    private static DicomDataset BackgroundItem(SegWriterOptions o) =>
        SegmentItem(new SegmentDescription(0, "Background") { Category = DicomCode.Background, Type = DicomCode.Background }, 0, o);
}
