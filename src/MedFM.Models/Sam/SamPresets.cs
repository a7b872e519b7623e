namespace MedFM.Models.Sam;

/// <summary>
/// The published SAM variants (segment_anything/build_sam.py) and MedSAM (bowang-lab/MedSAM: SAM ViT-B weights
/// fine-tuned on medical images, used with its own preprocessing), plus the small bundled model MedFM trains itself.
/// </summary>
public static class SamPresets
{
    public static SamConfig SamVitB { get; } = new() { EncoderEmbedDim = 768, EncoderDepth = 12, EncoderNumHeads = 12, GlobalAttnIndexes = new[] { 2, 5, 8, 11 } };

    public static SamConfig SamVitL { get; } = new() { EncoderEmbedDim = 1024, EncoderDepth = 24, EncoderNumHeads = 16, GlobalAttnIndexes = new[] { 5, 11, 17, 23 } };

    public static SamConfig SamVitH { get; } = new() { EncoderEmbedDim = 1280, EncoderDepth = 32, EncoderNumHeads = 16, GlobalAttnIndexes = new[] { 7, 15, 23, 31 } };

    public static SamConfig MedSamVitB { get; } = SamVitB with { Preprocessing = "medsam" };

    /// <summary>
    /// MedFM's bundled model: the SAM architecture at 256 px with a narrow 6-block encoder, trained by MedFM on
    /// Colin27 MRI slices (see tools/bundled-sam and the README). Uses the MedSAM preprocessing.
    /// </summary>
    public static SamConfig MedFmTiny { get; } = new()
    {
        ImageSize = 256, EncoderEmbedDim = 96, EncoderDepth = 6, EncoderNumHeads = 3, GlobalAttnIndexes = new[] { 2, 5 },
        WindowSize = 8, PromptEmbedDim = 64, MaskInChans = 16, DecoderDepth = 2, DecoderNumHeads = 4, DecoderMlpDim = 256,
        IouHeadHiddenDim = 64, Preprocessing = "medsam",
    };

    public static IReadOnlyDictionary<string, SamConfig> All { get; } = new Dictionary<string, SamConfig>
    {
        ["sam_vit_b"] = SamVitB,
        ["sam_vit_l"] = SamVitL,
        ["sam_vit_h"] = SamVitH,
        ["medsam_vit_b"] = MedSamVitB,
        ["medfm_sam_tiny"] = MedFmTiny,
    };

    public static SamConfig Get(string name) =>
        All.TryGetValue(name, out var c) ? c
        : throw new ModelConfigException($"unknown SAM preset '{name}'; known: {string.Join(", ", All.Keys)}");
}
