namespace MedFM.Models.Clip;

/// <summary>
/// Named image–text models. The OpenAI-CLIP ViTs are open_clip's model configs verbatim (mlfoundations/open_clip,
/// src/open_clip/model_configs/ViT-B-16.json, ViT-B-32.json, ViT-L-14.json; the "-quickgelu" variants are the ones
/// OpenAI's own weights need). BiomedCLIP is microsoft/BiomedCLIP-PubMedBERT_256-vit_base_patch16_224's
/// open_clip_config.json. The tiny presets are MedFM's test-size models (the golden fixtures' architecture).
/// </summary>
public static class ClipPresets
{
    private const string VitB16 = """{"embed_dim": 512, "vision_cfg": {"image_size": 224, "layers": 12, "width": 768, "patch_size": 16}, "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 512, "heads": 8, "layers": 12}}""";
    private const string VitB32 = """{"embed_dim": 512, "vision_cfg": {"image_size": 224, "layers": 12, "width": 768, "patch_size": 32}, "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 512, "heads": 8, "layers": 12}}""";
    private const string VitL14 = """{"embed_dim": 768, "vision_cfg": {"image_size": 224, "layers": 24, "width": 1024, "patch_size": 14}, "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 768, "heads": 12, "layers": 12}}""";

    private const string BiomedClip = """
        {"model_cfg": {"embed_dim": 512,
           "vision_cfg": {"timm_model_name": "vit_base_patch16_224", "timm_model_pretrained": false, "timm_pool": "", "timm_proj": "linear", "image_size": 224},
           "text_cfg": {"hf_model_name": "microsoft/BiomedNLP-BiomedBERT-base-uncased-abstract", "hf_tokenizer_name": "microsoft/BiomedNLP-BiomedBERT-base-uncased-abstract",
                        "hf_proj_type": "mlp", "hf_pooler_type": "cls_last_hidden_state_pooler", "context_length": 256}},
         "preprocess_cfg": {"mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711]}}
        """;

    /// <summary>The tiny OpenAI-style model: 32 px, patch 8, width 32, 2 blocks per tower, CLIP's first 2,000 merges (2,515 ids).</summary>
    private const string Tiny = """{"embed_dim": 16, "quick_gelu": true, "vision_cfg": {"image_size": 32, "layers": 2, "width": 32, "head_width": 16, "patch_size": 8}, "text_cfg": {"context_length": 77, "vocab_size": 2515, "width": 32, "heads": 2, "layers": 2}}""";

    /// <summary>The tiny BiomedCLIP-shaped model: timm ViT 32 px / patch 8 / width 32, a 2-layer BERT of width 32 over 837 ids, context 64.</summary>
    private const string TinyBiomed = """
        {"model_cfg": {"embed_dim": 16,
           "vision_cfg": {"timm_model_name": "vit_base_patch16_224", "timm_pool": "", "timm_proj": "linear", "image_size": 32,
                          "timm_model_kwargs": {"img_size": 32, "patch_size": 8, "embed_dim": 32, "depth": 2, "num_heads": 2}},
           "text_cfg": {"hf_model_name": "medfm/tiny-bert", "hf_proj_type": "mlp", "hf_pooler_type": "cls_last_hidden_state_pooler", "context_length": 64,
                        "hf_model_config": {"vocab_size": 837, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64, "max_position_embeddings": 64}}}}
        """;

    private static readonly Dictionary<string, string> Sources = new(StringComparer.Ordinal)
    {
        ["ViT-B-16"] = VitB16,
        ["ViT-B-32"] = VitB32,
        ["ViT-L-14"] = VitL14,
        ["ViT-B-16-quickgelu"] = QuickGelu(VitB16),
        ["ViT-B-32-quickgelu"] = QuickGelu(VitB32),
        ["ViT-L-14-quickgelu"] = QuickGelu(VitL14),
        ["biomedclip"] = BiomedClip,
        ["medfm_clip_tiny"] = Tiny,
        ["medfm_biomedclip_tiny"] = TinyBiomed,
    };

    /// <summary>Preset names, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = Sources.Keys.ToArray();

    /// <summary>Test-size presets (see the class summary).</summary>
    public static bool IsTiny(string name) => name.StartsWith("medfm_", StringComparison.Ordinal) && name.EndsWith("_tiny", StringComparison.Ordinal);

    /// <summary>The preset's open_clip JSON.</summary>
    public static string Json(string name) =>
        Sources.TryGetValue(name, out var json) ? json
        : throw new ModelConfigException($"unknown image–text preset '{name}'; known: {string.Join(", ", Names)}");

    public static ClipConfig Get(string name) => ClipConfig.FromOpenClipJson(Json(name), name);

    /// <summary>open_clip's "-quickgelu" configs are the base ones with "quick_gelu": true.</summary>
    private static string QuickGelu(string json) => "{\"quick_gelu\": true, " + json.TrimStart()[1..];
}
