namespace MedFM.Models.Clip;

/// <summary>
/// An image tower's architecture with open_clip's names and defaults (mlfoundations/open_clip,
/// src/open_clip/model.py, CLIPVisionCfg): the OpenAI-CLIP-style ViT (layers, width, head_width, patch_size) or,
/// when <see cref="TimmModelName"/> is set, a timm ViT trunk with a projection head (open_clip's TimmModel).
/// </summary>
public sealed record ClipVisionConfig
{
    public int ImageSize { get; init; } = 224;
    public int Layers { get; init; } = 12;
    public int Width { get; init; } = 768;
    public int HeadWidth { get; init; } = 64;
    public double MlpRatio { get; init; } = 4.0;
    public int PatchSize { get; init; } = 16;

    /// <summary>A timm model name (only ViTs: "vit_base_patch16_224", ...); null for open_clip's own ViT.</summary>
    public string? TimmModelName { get; init; }

    /// <summary>timm global pool: "" keeps the network's default, "token" or "avg" set it.</summary>
    public string TimmPool { get; init; } = "avg";

    /// <summary>"linear" (Linear to embed_dim), or "none" (the trunk's head is the projection).</summary>
    public string TimmProj { get; init; } = "linear";

    public bool TimmProjBias { get; init; }

    /// <summary>The timm trunk's architecture: the named model's, with timm_model_kwargs applied.</summary>
    public Vit.VitConfig? TimmVit { get; init; }

    /// <summary>Attention heads of the OpenAI-style ViT: width / head_width.</summary>
    public int Heads => Width / HeadWidth;

    public void Validate(string model)
    {
        if (TimmModelName is not null)
        {
            if (TimmVit is null)
                throw new ModelConfigException($"{model}: timm model '{TimmModelName}' is not supported (known: {string.Join(", ", ClipConfig.KnownTimmModels)})");
            if (TimmProj is not ("linear" or "none"))
                throw new ModelConfigException($"{model}: timm_proj '{TimmProj}' is not supported (linear, none)");
            if (TimmPool is not ("" or "token" or "avg"))
                throw new ModelConfigException($"{model}: timm_pool '{TimmPool}' is not supported ('', token, avg)");
            return;
        }
        if (Width <= 0 || HeadWidth <= 0 || Width % HeadWidth != 0)
            throw new ModelConfigException($"{model}: vision width {Width} must be a positive multiple of head_width {HeadWidth}");
        if (Layers <= 0) throw new ModelConfigException($"{model}: vision layers must be positive, got {Layers}");
        if (PatchSize <= 0 || ImageSize % PatchSize != 0)
            throw new ModelConfigException($"{model}: image_size {ImageSize} must be a multiple of patch_size {PatchSize}");
    }
}
