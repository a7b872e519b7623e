using System.CommandLine;
using MedFM.Cli.Segment;
using MedFM.Models.Sam;

namespace MedFM.Cli.Commands;

/// <summary>
/// `medfm segment`: promptable segmentation of a 2-D image (box and/or points) or a volume (a box on a key slice, or a
/// 3-D box, propagated slice by slice) with SAM, MedSAM or the bundled model.
/// </summary>
internal static class SegmentCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "PNG/JPEG image, NIfTI volume (.nii/.nii.gz), DICOM file or DICOM series folder" };
        var model = new Option<string?>("--model") { Description = $"Preset: {string.Join(", ", SamPresets.All.Keys)} (default: the bundled {SegmentModels.BundledPreset}, or inferred from --checkpoint)" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Weights (.pth or .safetensors) in the official SAM/MedSAM layout" };
        var box = new Option<string?>("--box") { Description = "x0,y0,x1,y1 in input pixels (x right, y down); for a volume also x0,y0,z0,x1,y1,z1" };
        var point = new Option<string[]>("--point") { Description = "x,y,label with label 1 (foreground) or 0 (background); repeatable", Arity = ArgumentArity.ZeroOrMore };
        var slice = new Option<int?>("--slice") { Description = "Key slice (k index) of a volume that the box is drawn on" };
        var multimask = new Option<bool>("--multimask") { Description = "Predict three masks and keep the one with the highest predicted IoU" };
        var output = new Option<string?>("--out") { Description = "Mask file: .png (0/255, 2-D only), .nii/.nii.gz, or .dcm (DICOM SEG, DICOM input only)" };
        var overlay = new Option<string?>("--overlay") { Description = "PNG of the image (key slice for a volume) with the mask drawn over it" };
        var saveLogits = new Option<string?>("--save-logits") { Description = "Low-res mask logits as float32 .npy [masks, h, w]" };
        var saveEmbedding = new Option<string?>("--save-embedding") { Description = "Save the image embedding (.npy + .json sidecar) to re-prompt later without encoding" };
        var loadEmbedding = new Option<string?>("--load-embedding") { Description = "Use an embedding saved with --save-embedding instead of encoding the image" };
        var stopIou = new Option<float?>("--stop-iou") { Description = "Volumes: stop propagating at a slice whose predicted IoU is below this (0..1)" };
        var window = new Option<string?>("--window") { Description = "CT window: soft-tissue (default for CT), lung, bone, brain, or level,width" };
        var segType = new Option<string?>("--seg-type") { Description = "DICOM SEG encoding for --out .dcm: binary (default: 1-bit frames, Segmentation Storage) or labelmap (8/16-bit label map, Label Map Segmentation Storage)" };

        var command = new Command("segment", "Segment a structure from a box or points (SAM / MedSAM), in 2-D or through a volume")
        {
            input, model, checkpoint, box, point, slice, multimask, output, overlay, saveLogits, saveEmbedding, loadEmbedding, window, stopIou, segType,
        };
        command.SetAction(CliErrors.Guard(parse =>
        {
            var options = new SegmentOptions
            {
                Input = parse.GetValue(input)!,
                Model = parse.GetValue(model),
                Checkpoint = parse.GetValue(checkpoint),
                Box = parse.GetValue(box) is { } b ? SegmentOptions.ParseBox(b) : null,
                Points = (parse.GetValue(point) ?? Array.Empty<string>()).Select(SegmentOptions.ParsePoint).ToList(),
                Slice = parse.GetValue(slice),
                Multimask = parse.GetValue(multimask),
                Out = parse.GetValue(output),
                Overlay = parse.GetValue(overlay),
                SaveLogits = parse.GetValue(saveLogits),
                SaveEmbedding = parse.GetValue(saveEmbedding),
                LoadEmbedding = parse.GetValue(loadEmbedding),
                Window = parse.GetValue(window) is { } w ? SegmentOptions.ParseWindow(w) : null,
                StopIou = parse.GetValue(stopIou),
                SegType = parse.GetValue(segType) is { } t ? SegmentOptions.ParseSegType(t) : null,
            };
            if (options.StopIou is { } iou && !(iou is >= 0 and <= 1))
                throw new SamInputException($"--stop-iou {iou} must lie between 0 and 1");
            if (options.Model is { } m && !SamPresets.All.ContainsKey(m))
                throw new SamInputException($"unknown model '{m}'; known: {string.Join(", ", SamPresets.All.Keys)}");
            foreach (var line in SegmentJob.Run(options)) Console.WriteLine(line);
            return 0;
        }));
        return command;
    }
}
