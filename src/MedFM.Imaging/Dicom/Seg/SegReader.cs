using MedFM.Imaging.Geometry;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Reads a SEG back onto a reference grid: each frame's plane (PlanePositionSequence) names its slice. A BINARY frame's
/// segment (SegmentIdentificationSequence) goes into its set pixels; a LABELMAP frame's pixels are Segment Numbers
/// themselves (the Pixel Padding Value, 0 by default, is background). The label written is the segment number, or the
/// label value given per segment number.
/// </summary>
public static class SegReader
{
    public static LabelVolume Read(string path, ImageGeometry geometry, VolumeShape shape, IReadOnlyDictionary<int, int>? labelOfSegment = null)
    {
        var file = DicomFileReader.Read(path);
        var ds = file.Dataset;
        var sopClass = ds.GetString(DicomTags.SOPClassUID);
        if (sopClass is not (SegWriter.SegmentationStorage or SegWriter.LabelMapSegmentationStorage))
            throw new DicomFormatException(path, null, DicomTags.SOPClassUID, $"not a Segmentation Storage or Label Map Segmentation Storage object (SOP class {sopClass})");
        var type = ds.GetString(DicomTags.SegmentationType)?.Trim();
        bool labelMap = type == "LABELMAP";
        if (labelMap != (sopClass == SegWriter.LabelMapSegmentationStorage) || type is not ("BINARY" or "LABELMAP"))
            throw new DicomFormatException(path, ds[DicomTags.SegmentationType]?.Offset, DicomTags.SegmentationType,
                $"segmentation type '{type}' with SOP class {sopClass} (BINARY goes with {SegWriter.SegmentationStorage}, LABELMAP with {SegWriter.LabelMapSegmentationStorage})");
        var image = DicomImageReader.Read(file, new DicomReadOptions { ApplyModalityLut = false, InvertMonochrome1 = false });
        var perFrame = ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        int w = shape.Width, h = shape.Height, plane = w * h;
        if (image.Volume.Width != w || image.Volume.Height != h)
            throw new VolumeShapeException($"SEG frames are {image.Volume.Width}×{image.Volume.Height}, the reference grid {w}×{h}");
        if (perFrame.Count != image.Volume.Depth)
            throw new DicomFormatException(path, null, DicomTags.PerFrameFunctionalGroupsSequence, $"{perFrame.Count} per-frame items for {image.Volume.Depth} frames");
        var described = ds.GetSequence(DicomTags.SegmentSequence).Select(item => item.GetInt(DicomTags.SegmentNumber) ?? -1).ToHashSet();
        int padding = ds.GetInt(DicomTags.PixelPaddingValue) ?? 0;
        var labels = new ushort[shape.VoxelsPerFrame];
        int maxLabel = 0;
        int Label(int segment)
        {
            int label = labelOfSegment?.GetValueOrDefault(segment, segment) ?? segment;
            if (label is < 0 or > ushort.MaxValue) throw new ArgumentException($"label {label} for segment {segment} does not fit a label volume (0-65535)");
            maxLabel = Math.Max(maxLabel, label);
            return label;
        }
        for (int f = 0; f < perFrame.Count; f++)
        {
            int k = SliceOf(path, image.Planes[f], geometry, shape, f);
            var dst = labels.AsSpan(k * plane, plane);
            if (labelMap) ReadLabelMapFrame(path, image.Volume, f, plane, padding, described, Label, dst);
            else
            {
                int segment = perFrame[f].GetItem(DicomTags.SegmentIdentificationSequence)?.GetInt(DicomTags.ReferencedSegmentNumber)
                    ?? throw new DicomFormatException(path, null, DicomTags.SegmentIdentificationSequence, $"frame {f + 1} names no segment");
                ushort label = (ushort)Label(segment);
                var src = image.Volume.GetData<byte>().Slice(f * plane, plane);
                for (int i = 0; i < plane; i++) if (src[i] != 0) dst[i] = label;
            }
        }
        Array data = maxLabel <= 255 ? labels.Select(x => (byte)x).ToArray() : labels;
        return new LabelVolume(new VolumeShape(w, h, shape.Depth), data, geometry);
    }

    /// <summary>The slice of the reference grid a frame lies on (its first pixel on a grid point, within the depth).</summary>
    private static int SliceOf(string path, DicomFramePlane plane, ImageGeometry geometry, VolumeShape shape, int f)
    {
        var pos = plane.Position ?? throw new DicomFormatException(path, null, DicomTags.PlanePositionSequence, $"frame {f + 1} has no position");
        var index = geometry.WorldToIndex(pos);
        int k = (int)Math.Round(index.Z);
        if (Math.Abs(index.X) > 1e-3 || Math.Abs(index.Y) > 1e-3 || Math.Abs(index.Z - k) > 1e-3 || k < 0 || k >= shape.Depth)
            throw new GeometryException($"SEG frame {f + 1} at {pos} is not on a slice of the reference grid (index {index})");
        return k;
    }

    /// <summary>A label-map frame: every value other than the padding (background) must be a described Segment Number.</summary>
    private static void ReadLabelMapFrame(string path, Volume frames, int f, int plane, int padding, HashSet<int> described, Func<int, int> label, Span<ushort> dst)
    {
        bool wide = frames.VoxelType == VoxelType.UInt16;
        if (!wide && frames.VoxelType != VoxelType.UInt8)
            throw new DicomFormatException(path, null, DicomTags.BitsAllocated, $"label-map pixels of type {frames.VoxelType} (8 or 16-bit unsigned expected)");
        ReadOnlySpan<byte> u8 = wide ? default : frames.GetData<byte>().Slice(f * plane, plane);
        ReadOnlySpan<ushort> u16 = wide ? frames.GetData<ushort>().Slice(f * plane, plane) : default;
        var cache = new Dictionary<int, ushort>();
        for (int i = 0; i < plane; i++)
        {
            int v = wide ? u16[i] : u8[i];
            if (v == padding) continue;
            if (!cache.TryGetValue(v, out var l))
            {
                if (!described.Contains(v))
                    throw new DicomFormatException(path, null, DicomTags.SegmentSequence, $"frame {f + 1} holds pixel value {v}, which no item of the Segment Sequence describes");
                cache[v] = l = (ushort)label(v);
            }
            dst[i] = l;
        }
    }
}
