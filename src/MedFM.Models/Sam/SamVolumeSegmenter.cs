using System.Diagnostics;
using MedFM.Imaging;

namespace MedFM.Models.Sam;

/// <summary>Where a 3-D segmentation starts: a box on one slice, optionally limited to a slice range (a 3-D box).</summary>
public sealed record VolumePrompt(int KeySlice, SamBox Box, int? FirstSlice = null, int? LastSlice = null);

/// <summary>One segmented slice: its area in pixels and the predicted IoU of the chosen mask.</summary>
public sealed record SliceResult(int Slice, int Area, float PredictedIou, double Seconds);

/// <summary>A 3-D segmentation in the source volume's geometry, with per-slice results in the order they were made.</summary>
public sealed record VolumeSegmentation(LabelVolume Labels, IReadOnlyList<SliceResult> Slices);

/// <summary>
/// Segments a structure through a volume from one box, the way MedSAM is applied to 3-D scans: the key slice is
/// segmented from the box, then each neighbouring slice is prompted with the bounding box of the previous slice's
/// mask, in both directions, stopping where the mask vanishes (or at the slice range of a 3-D box). Each slice is
/// encoded once. Slices are the k index; x and y are the i (column) and j (row) indices.
/// </summary>
public sealed class SamVolumeSegmenter
{
    private readonly SamPredictor predictor;

    public SamVolumeSegmenter(SamPredictor predictor) => this.predictor = predictor;

    /// <summary>CT window for volumes in Hounsfield units (null = soft tissue when the data look like CT).</summary>
    public WindowPreset? Window { get; init; }

    /// <summary>Pixels added around each propagated bounding box.</summary>
    public int BoxMargin { get; init; }

    /// <summary>
    /// Propagation also stops at a slice whose mask has a predicted IoU below this (that slice is left empty); null
    /// relies on the mask vanishing alone. Useful with models whose IoU head was trained (SAM, the bundled model).
    /// </summary>
    public float? MinPredictedIou { get; init; }

    public VolumeSegmentation Segment(Volume volume, VolumePrompt prompt, bool multimask = false)
    {
        Validate(volume, prompt);
        int first = prompt.FirstSlice ?? 0, last = prompt.LastSlice ?? volume.Depth - 1;
        var u8 = SamImage.ToUInt8(volume, Window);
        var labels = LabelVolume.Allocate(new VolumeShape(volume.Width, volume.Height, volume.Depth), VoxelType.UInt8, volume.Geometry);
        var results = new List<SliceResult>();
        var keyMask = SegmentSlice(u8, prompt.KeySlice, prompt.Box, multimask, labels, results);
        foreach (int step in new[] { +1, -1 })
        {
            var mask = keyMask;
            for (int k = prompt.KeySlice + step; k >= first && k <= last; k += step)
            {
                if (BoundingBox(mask, volume.Width, volume.Height) is not { } box) break;
                mask = SegmentSlice(u8, k, box, multimask, labels, results);
                if (MinPredictedIou is { } min && results[^1].PredictedIou < min)
                {
                    labels.GetData<byte>().Slice(k * mask.Length, mask.Length).Clear();
                    results[^1] = results[^1] with { Area = 0 };
                    break;
                }
            }
        }
        return new VolumeSegmentation(labels, results);
    }

    private byte[] SegmentSlice(Volume u8, int k, SamBox box, bool multimask, LabelVolume labels, List<SliceResult> results)
    {
        var timer = Stopwatch.StartNew();
        predictor.SetImage(SamImage.ToRgb(u8.Slice(k)));
        var prediction = predictor.Predict(new SamPromptSet { Box = box }, multimask);
        int best = multimask ? prediction.Best : 0;
        var mask = prediction.MaskBytes(best, 1);
        mask.CopyTo(labels.GetData<byte>().Slice(k * mask.Length, mask.Length));
        int area = 0;
        foreach (var m in mask) area += m;
        results.Add(new SliceResult(k, area, prediction.Iou[best], timer.Elapsed.TotalSeconds));
        return mask;
    }

    /// <summary>The mask's bounding box (pixel edges, with the margin, clipped to the image), or null when empty.</summary>
    private SamBox? BoundingBox(byte[] mask, int width, int height)
    {
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            if (mask[y * width + x] == 0) continue;
            x0 = Math.Min(x0, x);
            y0 = Math.Min(y0, y);
            x1 = Math.Max(x1, x);
            y1 = Math.Max(y1, y);
        }
        if (x1 < 0) return null;
        return new SamBox(Math.Max(0, x0 - BoxMargin), Math.Max(0, y0 - BoxMargin),
            Math.Min(width, x1 + 1 + BoxMargin), Math.Min(height, y1 + 1 + BoxMargin));
    }

    private static void Validate(Volume v, VolumePrompt p)
    {
        if (v.Frames != 1) throw new SamInputException($"a 4-D image ({v.Frames} frames) cannot be segmented as one volume: pick a frame first");
        if (v.Components != 1) throw new SamInputException($"3-D segmentation expects a grey volume, this one has {v.Components} components");
        if (!v.Geometry.IsKnown) throw new SamInputException("the volume has no geometry (origin, spacing, orientation): read it from NIfTI or a DICOM series");
        if (p.KeySlice < 0 || p.KeySlice >= v.Depth) throw new SamInputException($"slice {p.KeySlice} is outside the volume's {v.Depth} slices");
        int first = p.FirstSlice ?? 0, last = p.LastSlice ?? v.Depth - 1;
        if (first < 0 || last >= v.Depth || first > p.KeySlice || last < p.KeySlice)
            throw new SamInputException($"slice range {first}..{last} must lie within 0..{v.Depth - 1} and contain the key slice {p.KeySlice}");
        new SamPromptSet { Box = p.Box }.Validate(v.Width, v.Height);
    }
}
