using System.Diagnostics;
using System.Globalization;
using MedFM.Imaging;
using MedFM.Imaging.Dicom;
using MedFM.Models.Sam;
using MedFM.Tensors.IO;

namespace MedFM.Cli.Segment;

/// <summary>
/// Runs `medfm segment`: checks the request, loads the image and the model, segments a 2-D image from a box and/or
/// points (SamPredictor) or a volume from a box on a key slice (SamVolumeSegmenter), then writes the requested
/// files. Returns the lines to print.
/// </summary>
internal static class SegmentJob
{
    public static List<string> Run(SegmentOptions o)
    {
        var input = SegmentInput.Read(o.Input);
        SegmentOutputs.Check(o, input);
        if (input.IsVolume) CheckVolumeRequest(o, input.Volume);
        var clock = Stopwatch.StartNew();
        var (preset, model) = SegmentModels.Load(o.Model, o.Checkpoint);
        var lines = new List<string> { $"model    {preset} ({(o.Checkpoint ?? "bundled weights")}), loaded in {clock.Elapsed.TotalSeconds:F2} s" };
        var predictor = new SamPredictor(model);
        if (input.IsVolume) SegmentVolume(o, input, predictor, lines);
        else SegmentImage(o, input, predictor, lines);
        return lines;
    }

    private static void SegmentImage(SegmentOptions o, SegmentInput input, SamPredictor predictor, List<string> lines)
    {
        if (o.Slice is not null || o.StopIou is not null) throw new SamInputException("--slice and --stop-iou are for volumes; this input is one 2-D image");
        if (o.Box is { Length: 6 }) throw new SamInputException("a 3-D box (6 numbers) needs a volume; this input is one 2-D image");
        var image = input.Volume;
        var rgb = SamImage.ToRgb(SamImage.ToUInt8(image, o.Window));
        var prompt = new SamPromptSet { Box = o.Box is { } b ? new SamBox(b[0], b[1], b[2], b[3]) : null, Points = o.Points };
        prompt.Validate(image.Width, image.Height);
        var clock = Stopwatch.StartNew();
        if (o.LoadEmbedding is { } saved)
        {
            predictor.LoadEmbedding(saved);
            if (predictor.OriginalWidth != image.Width || predictor.OriginalHeight != image.Height)
                throw new SamInputException($"--load-embedding {saved} was made from a {predictor.OriginalWidth}x{predictor.OriginalHeight} image, this one is {image.Width}x{image.Height}");
        }
        else predictor.SetImage(rgb);
        double encode = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var prediction = predictor.Predict(prompt, o.Multimask);
        double decode = clock.Elapsed.TotalSeconds;
        int best = o.Multimask ? prediction.Best : 0;
        var mask = new LabelVolume(image.Width, image.Height, 1, prediction.MaskBytes(best, 1), image.Geometry);

        SegmentOutputs.CreateFolders(o);
        if (o.Out is { } outPath) SegmentOutputs.WriteMask(outPath, mask, input, o.SegType ?? SegmentationType.Binary);
        if (o.Overlay is { } overlay) SegmentOutputs.WriteOverlay(overlay, rgb, mask, 0);
        if (o.SaveLogits is { } logits)
            Npy.Write(logits, prediction.LowResLogits, new[] { prediction.Count, prediction.LowResHeight, prediction.LowResWidth });
        if (o.SaveEmbedding is { } emb) predictor.SaveEmbedding(emb);

        int area = Area(mask);
        lines.Add($"image    {image.Width}x{image.Height}, {(o.LoadEmbedding is null ? "encoded" : "embedding loaded")} in {encode:F2} s, prompt decoded in {decode * 1000:F0} ms");
        lines.Add($"mask     {area} pixels ({100.0 * area / (image.Width * image.Height):F1}% of the image), predicted IoU {prediction.Iou[best]:F3}" +
                  (o.Multimask ? $" (best of {string.Join(", ", prediction.Iou.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)))})" : ""));
        AddWritten(o, lines);
    }

    private static void SegmentVolume(SegmentOptions o, SegmentInput input, SamPredictor predictor, List<string> lines)
    {
        var v = input.Volume;
        var b = o.Box!;
        VolumePrompt prompt = b.Length == 6
            ? new VolumePrompt((int)Math.Round((b[2] + b[5]) / 2), new SamBox(b[0], b[1], b[3], b[4]), (int)b[2], (int)b[5])
            : new VolumePrompt(o.Slice!.Value, new SamBox(b[0], b[1], b[2], b[3]));
        var segmenter = new SamVolumeSegmenter(predictor) { Window = o.Window, MinPredictedIou = o.StopIou };
        var clock = Stopwatch.StartNew();
        var result = segmenter.Segment(v, prompt, o.Multimask);
        double seconds = clock.Elapsed.TotalSeconds;

        SegmentOutputs.CreateFolders(o);
        if (o.Out is { } outPath) SegmentOutputs.WriteMask(outPath, result.Labels, input, o.SegType ?? SegmentationType.Binary);
        if (o.Overlay is { } overlay) SegmentOutputs.WriteOverlay(overlay, SamImage.ToUInt8(v, o.Window), result.Labels, prompt.KeySlice);

        var first = result.Slices.Min(s => s.Slice);
        var last = result.Slices.Max(s => s.Slice);
        int voxels = Area(result.Labels);
        var sp = v.Geometry.Spacing;
        lines.Add($"volume   {v.Width}x{v.Height}x{v.Depth}, key slice {prompt.KeySlice}, segmented slices {first}..{last} ({result.Slices.Count}) in {seconds:F2} s ({seconds / result.Slices.Count:F3} s per slice)");
        lines.Add($"mask     {voxels} voxels, {voxels * sp.X * sp.Y * sp.Z / 1000:F2} mL");
        AddWritten(o, lines);
    }

    /// <summary>Requests a volume cannot take, refused before any work.</summary>
    private static void CheckVolumeRequest(SegmentOptions o, Volume v)
    {
        if (v.Frames > 1) throw new SamInputException($"a 4-D image ({v.Frames} frames) cannot be segmented as one volume: extract a frame first");
        if (o.Points.Count > 0) throw new SamInputException("points are for 2-D images; a volume takes a box with --slice K or a 3-D box x0,y0,z0,x1,y1,z1");
        if (o.Box is null) throw new SamInputException("a volume needs --box: x0,y0,x1,y1 with --slice K, or x0,y0,z0,x1,y1,z1");
        if (o.Box.Length == 4 && o.Slice is null) throw new SamInputException("a 2-D box on a volume needs --slice K (or give a 3-D box x0,y0,z0,x1,y1,z1)");
        if (o.Box.Length == 6 && o.Slice is not null) throw new SamInputException("give either a 3-D box or --slice with a 2-D box, not both");
        if (o.Box.Length == 6 && (o.Box[2] != Math.Floor(o.Box[2]) || o.Box[5] != Math.Floor(o.Box[5])))
            throw new SamInputException($"the 3-D box's slice range z0={o.Box[2]}, z1={o.Box[5]} must be whole slice indices");
        if (o.SaveLogits is not null || o.SaveEmbedding is not null || o.LoadEmbedding is not null)
            throw new SamInputException("--save-logits, --save-embedding and --load-embedding are for 2-D images; a volume encodes each slice it visits");
    }

    private static int Area(Volume mask)
    {
        int n = 0;
        foreach (var m in mask.GetData<byte>()) n += m != 0 ? 1 : 0;
        return n;
    }

    private static void AddWritten(SegmentOptions o, List<string> lines)
    {
        var written = new[] { o.Out, o.Overlay, o.SaveLogits, o.SaveEmbedding }.Where(p => p is not null).ToList();
        if (written.Count > 0) lines.Add($"wrote    {string.Join(", ", written)}");
    }
}
