using MedFM.Models.Checkpoints;
using MedFM.Models.Sam;

namespace MedFM.Cli.Segment;

/// <summary>
/// Which SAM to run: the bundled model (preset medfm_sam_tiny, shipped next to the program in models/) when no
/// checkpoint is given; otherwise the checkpoint under --model, or under the preset whose encoder width and depth
/// match the checkpoint's (a file whose name mentions MedSAM takes the MedSAM preset).
/// </summary>
internal static class SegmentModels
{
    public const string BundledPreset = "medfm_sam_tiny";

    public static string BundledPath => Path.Combine(AppContext.BaseDirectory, "models", BundledPreset + ".safetensors");

    public static (string Preset, SamModel Model) Load(string? preset, string? checkpoint)
    {
        if (checkpoint is null)
        {
            preset ??= BundledPreset;
            if (preset != BundledPreset)
                throw new SamInputException($"--model {preset} needs its weights: pass --checkpoint (e.g. the official {preset}.pth)");
            if (!File.Exists(BundledPath)) throw new FileNotFoundException($"the bundled model is missing from {BundledPath}");
            checkpoint = BundledPath;
        }
        else if (!File.Exists(checkpoint)) throw new FileNotFoundException($"--checkpoint {checkpoint}: no such file");
        using var state = CheckpointFile.LoadStateDict(checkpoint);              // opened once: detection and loading
        preset ??= Detect(checkpoint, state);
        return (preset, SamLoader.Load(SamPresets.Get(preset), state, Path.GetFileName(checkpoint), strict: true, out _));
    }

    private static string Detect(string checkpoint, StateDict state)
    {
        var key = state.Keys.FirstOrDefault(k => k.EndsWith("image_encoder.pos_embed", StringComparison.Ordinal))
                  ?? throw new SamInputException($"{checkpoint}: no image_encoder.pos_embed entry, so this is not a SAM checkpoint (name the preset with --model)");
        int width = state[key].Shape[^1];
        int depth = state.Keys.Where(k => k.Contains("image_encoder.blocks.", StringComparison.Ordinal))
            .Select(k => int.TryParse(k.Split("image_encoder.blocks.")[1].Split('.')[0], out int i) ? i : -1).DefaultIfEmpty(-1).Max() + 1;
        bool medsam = Path.GetFileName(checkpoint).Contains("medsam", StringComparison.OrdinalIgnoreCase);
        foreach (var (name, c) in SamPresets.All)
            if (c.EncoderEmbedDim == width && c.EncoderDepth == depth && (c.Preprocessing == "medsam") == (medsam || name == BundledPreset))
                return name;
        throw new SamInputException($"{checkpoint}: an encoder {width} wide and {depth} deep matches no preset; name one with --model");
    }
}
