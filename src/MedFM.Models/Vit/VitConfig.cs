namespace MedFM.Models.Vit;

/// <summary>
/// A VisionTransformer's architecture, with timm's argument names and defaults
/// (huggingface/pytorch-image-models, timm/models/vision_transformer.py, VisionTransformer.__init__).
/// Presets live in <see cref="VitPresets"/>; JSON round-trips through System.Text.Json.
/// </summary>
public sealed partial record VitConfig
{
    public int ImgSize { get; init; } = 224;
    public int PatchSize { get; init; } = 16;
    public int InChans { get; init; } = 3;
    public int NumClasses { get; init; } = 1000;

    /// <summary>"token" (class token), "avg" (mean of patch tokens), or "" (no pooling: all tokens).</summary>
    public string GlobalPool { get; init; } = "token";

    public int EmbedDim { get; init; } = 768;
    public int Depth { get; init; } = 12;
    public int NumHeads { get; init; } = 12;
    public double MlpRatio { get; init; } = 4.0;
    public bool QkvBias { get; init; } = true;

    /// <summary>LayerScale initial value (DINOv2/UNI: 1e-5); null for no LayerScale.</summary>
    public double? InitValues { get; init; }

    public bool ClassToken { get; init; } = true;
    public int RegTokens { get; init; }

    /// <summary>Position embedding covers only patch tokens; prefix tokens are concatenated after adding it (DeiT-3, DINOv2-reg).</summary>
    public bool NoEmbedClass { get; init; }

    /// <summary>Resample the position embedding (bicubic, antialiased, as timm) when the image grid differs from ImgSize's.</summary>
    public bool DynamicImgSize { get; init; }

    /// <summary>fc_norm after pooling; null = timm's default (true exactly when GlobalPool is "avg").</summary>
    public bool? FcNorm { get; init; }

    public double NormEps { get; init; } = 1e-6;
    public double DropRate { get; init; }
    public double DropPathRate { get; init; }

    public int NumPrefixTokens => (ClassToken ? 1 : 0) + RegTokens;

    public bool UseFcNorm => FcNorm ?? GlobalPool == "avg";

    public int GridSize => ImgSize / PatchSize;

    public void Validate()
    {
        if (EmbedDim <= 0 || NumHeads <= 0 || EmbedDim % NumHeads != 0)
            throw new ModelConfigException($"ViT: embed_dim {EmbedDim} must be a positive multiple of num_heads {NumHeads}");
        if (PatchSize <= 0 || ImgSize % PatchSize != 0)
            throw new ModelConfigException($"ViT: img_size {ImgSize} must be a multiple of patch_size {PatchSize}");
        if (GlobalPool is not ("token" or "avg" or ""))
            throw new ModelConfigException($"ViT: global_pool must be 'token', 'avg' or '', got '{GlobalPool}'");
        if (GlobalPool == "token" && !ClassToken)
            throw new ModelConfigException("ViT: global_pool 'token' needs a class token");
    }
}
