using MedFM.Imaging.Geometry;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Reads a binary SEG back onto a reference grid: each frame's segment (SegmentIdentificationSequence) and plane
/// (PlanePositionSequence) put its set pixels into a label volume, the label being the segment number (or the label
/// value given per segment number).
/// </summary>
public static class SegReader
{
    public static LabelVolume Read(string path, ImageGeometry geometry, VolumeShape shape, IReadOnlyDictionary<int, int>? labelOfSegment = null)
    {
        var file = DicomFileReader.Read(path);
        var image = DicomImageReader.Read(file, new DicomReadOptions { ApplyModalityLut = false, InvertMonochrome1 = false });
        var ds = file.Dataset;
        if (ds.GetString(DicomTags.SOPClassUID) != SegWriter.SegmentationStorage)
            throw new DicomFormatException(path, null, DicomTags.SOPClassUID, "not a Segmentation Storage object");
        var perFrame = ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        var frames = image.Volume.GetData<byte>();
        int w = shape.Width, h = shape.Height, plane = w * h;
        if (image.Volume.Width != w || image.Volume.Height != h)
            throw new VolumeShapeException($"SEG frames are {image.Volume.Width}×{image.Volume.Height}, the reference grid {w}×{h}");
        var labels = new ushort[shape.VoxelsPerFrame];
        int maxLabel = 0;
        for (int f = 0; f < perFrame.Count; f++)
        {
            int segment = perFrame[f].GetItem(DicomTags.SegmentIdentificationSequence)?.GetInt(DicomTags.ReferencedSegmentNumber)
                ?? throw new DicomFormatException(path, null, DicomTags.SegmentIdentificationSequence, $"frame {f + 1} names no segment");
            var pos = image.Planes[f].Position ?? throw new DicomFormatException(path, null, DicomTags.PlanePositionSequence, $"frame {f + 1} has no position");
            var index = geometry.WorldToIndex(pos);
            int k = (int)Math.Round(index.Z);
            if (Math.Abs(index.X) > 1e-3 || Math.Abs(index.Y) > 1e-3 || Math.Abs(index.Z - k) > 1e-3 || k < 0 || k >= shape.Depth)
                throw new GeometryException($"SEG frame {f + 1} at {pos} is not on a slice of the reference grid (index {index})");
            int label = labelOfSegment?.GetValueOrDefault(segment, segment) ?? segment;
            maxLabel = Math.Max(maxLabel, label);
            var src = frames.Slice(f * plane, plane);
            for (int i = 0; i < plane; i++) if (src[i] != 0) labels[k * plane + i] = (ushort)label;
        }
        Array data = maxLabel <= 255 ? labels.Select(x => (byte)x).ToArray() : labels;
        return new LabelVolume(new VolumeShape(w, h, shape.Depth), data, geometry);
    }
}
