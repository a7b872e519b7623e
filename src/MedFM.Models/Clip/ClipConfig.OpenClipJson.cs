using System.Text.Json;

namespace MedFM.Models.Clip;

public sealed partial record ClipConfig
{
    /// <summary>Hugging Face text models whose BERT architecture is known without their config.json.</summary>
    private static readonly Dictionary<string, BertConfig> KnownBertModels = new(StringComparer.Ordinal)
    {
        ["microsoft/BiomedNLP-BiomedBERT-base-uncased-abstract"] = BertConfig.PubMedBertBase,
        ["microsoft/BiomedNLP-PubMedBERT-base-uncased-abstract"] = BertConfig.PubMedBertBase,
    };

    /// <summary>timm models an image tower can name: their VisionTransformer arguments are timm's defaults.</summary>
    internal static readonly string[] KnownTimmModels = ["vit_base_patch16_224"];

    /// <summary>
    /// Reads an open_clip model config (model_configs/*.json: embed_dim, vision_cfg, text_cfg, quick_gelu,
    /// custom_text) or a Hugging Face open_clip_config.json (model_cfg + preprocess_cfg). Options that would change
    /// the network in a way MedFM does not implement are refused by name; training-only ones (dropouts, pretrained
    /// flags) are accepted and have no effect on inference.
    /// </summary>
    public static ClipConfig FromOpenClipJson(string json, string name = "clip")
    {
        JsonElement root;
        try { root = JsonDocument.Parse(json).RootElement.Clone(); }
        catch (JsonException e) { throw new ModelConfigException($"{name}: the model config is not valid JSON ({e.Message})"); }
        if (root.ValueKind != JsonValueKind.Object) throw new ModelConfigException($"{name}: the model config must be a JSON object");
        var c = new ClipConfig { Name = name };
        try
        {
            if (root.TryGetProperty("model_cfg", out _))
            {
                foreach (var p in root.EnumerateObject())
                    c = p.Name switch
                    {
                        "model_cfg" => ReadModel(c, p.Value),
                        "preprocess_cfg" => ReadPreprocess(c, p.Value),
                        _ => throw Unsupported(name, "", p.Name),
                    };
            }
            else c = ReadModel(c, root);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ModelConfigException($"{name}: a model config value has the wrong JSON type ({e.Message})");
        }
        c.Validate();
        return c;
    }

    private static ClipConfig ReadModel(ClipConfig c, JsonElement e)
    {
        foreach (var p in Properties(c.Name, "model_cfg", e))
        {
            var v = p.Value;
            c = p.Name switch
            {
                "embed_dim" => c with { EmbedDim = v.GetInt32() },
                "quick_gelu" => c with { QuickGelu = v.GetBoolean() },
                "custom_text" => c with { CustomText = v.GetBoolean() },
                "vision_cfg" => c with { Vision = ReadVision(c.Name, v) },
                "text_cfg" => c with { Text = ReadText(c.Name, v) },
                _ => throw Unsupported(c.Name, "", p.Name),
            };
        }
        return c;
    }

    private static ClipVisionConfig ReadVision(string name, JsonElement e)
    {
        var c = new ClipVisionConfig();
        JsonElement? timmKwargs = null;
        foreach (var p in Properties(name, "vision_cfg", e))
        {
            var v = p.Value;
            c = p.Name switch
            {
                "image_size" => c with { ImageSize = SquareSize(name, v) },
                "layers" => c with { Layers = v.ValueKind == JsonValueKind.Number ? v.GetInt32() : throw new ModelConfigException($"{name}: vision_cfg.layers as a list (ModifiedResNet) is not supported") },
                "width" => c with { Width = v.GetInt32() },
                "head_width" => c with { HeadWidth = v.GetInt32() },
                "mlp_ratio" => c with { MlpRatio = v.GetDouble() },
                "patch_size" => c with { PatchSize = SquareSize(name, v) },
                "timm_model_name" => c with { TimmModelName = v.GetString() },
                "timm_pool" => c with { TimmPool = v.GetString() ?? "" },
                "timm_proj" => c with { TimmProj = v.ValueKind == JsonValueKind.Null ? "none" : v.GetString() ?? "none" },
                "timm_proj_bias" => c with { TimmProjBias = v.GetBoolean() },
                "timm_model_kwargs" => Keep(c, v, out timmKwargs),
                "timm_model_pretrained" or "timm_drop" or "timm_drop_path" or "patch_dropout" => c,
                "ls_init_value" or "output_tokens" or "attentional_pool" or "no_ln_pre" or "final_ln_after_pool"
                    when IsOff(v) => c,
                "pool_type" when v.GetString() == "tok" => c,
                "pos_embed_type" when v.GetString() == "learnable" => c,
                _ => throw Unsupported(name, "vision_cfg.", p.Name),
            };
        }
        if (c.TimmModelName is { } timm && KnownTimmModels.Contains(timm))
        {
            var vit = timmKwargs is { } kw ? Vit.VitConfig.FromTimmKwargs(kw) : new Vit.VitConfig();
            // open_clip's TimmModel: reset_classifier(0[, global_pool]) — no classifier, the pool kept unless set.
            c = c with { TimmVit = vit with { NumClasses = 0, GlobalPool = c.TimmPool.Length > 0 ? c.TimmPool : vit.GlobalPool } };
        }
        return c;
    }

    private static ClipTextConfig ReadText(string name, JsonElement e)
    {
        var c = new ClipTextConfig();
        JsonElement? hfOverrides = null;
        foreach (var p in Properties(name, "text_cfg", e))
        {
            var v = p.Value;
            c = p.Name switch
            {
                "context_length" => c with { ContextLength = v.GetInt32() },
                "vocab_size" => c with { VocabSize = v.GetInt32() },
                "width" => c with { Width = v.GetInt32() },
                "heads" => c with { Heads = v.GetInt32() },
                "layers" => c with { Layers = v.GetInt32() },
                "mlp_ratio" => c with { MlpRatio = v.GetDouble() },
                "pool_type" => c with { PoolType = v.GetString() ?? "" },
                "proj_bias" => c with { ProjBias = v.GetBoolean() },
                "hf_model_name" => c with { HfModelName = v.GetString() },
                "hf_tokenizer_name" => c with { HfTokenizerName = v.GetString() },
                "hf_proj_type" or "proj" => c with { HfProjType = v.ValueKind == JsonValueKind.Null ? "none" : v.GetString() ?? "none" },
                "hf_pooler_type" or "pooler_type" => c with { HfPoolerType = v.GetString() ?? "" },
                "hf_model_config" => Keep(c, v, out hfOverrides),
                "hf_model_pretrained" or "tokenizer_kwargs" => c,
                "ls_init_value" or "output_tokens" or "embed_cls" or "no_causal_mask" or "final_ln_after_pool" when IsOff(v) => c,
                "pad_id" when v.GetInt32() == 0 => c,
                "proj_type" when v.GetString() == "linear" => c,
                _ => throw Unsupported(name, "text_cfg.", p.Name),
            };
        }
        if (c.HfModelName is { } hf)
        {
            var bert = KnownBertModels.GetValueOrDefault(hf) ?? (hfOverrides is null ? null : new BertConfig());
            if (bert is not null && hfOverrides is { } o) bert = ReadBert(name, bert, o);
            c = c with { Bert = bert };
        }
        return c;
    }

    private static T Keep<T>(T c, JsonElement v, out JsonElement? kept)
    {
        kept = v.Clone();
        return c;
    }

    /// <summary>open_clip's hf_model_config: attributes set on the Hugging Face config before the model is built.</summary>
    private static BertConfig ReadBert(string name, BertConfig c, JsonElement e)
    {
        foreach (var p in Properties(name, "text_cfg.hf_model_config", e))
        {
            var v = p.Value;
            c = p.Name switch
            {
                "vocab_size" => c with { VocabSize = v.GetInt32() },
                "hidden_size" => c with { HiddenSize = v.GetInt32() },
                "num_hidden_layers" => c with { NumHiddenLayers = v.GetInt32() },
                "num_attention_heads" => c with { NumAttentionHeads = v.GetInt32() },
                "intermediate_size" => c with { IntermediateSize = v.GetInt32() },
                "max_position_embeddings" => c with { MaxPositionEmbeddings = v.GetInt32() },
                "type_vocab_size" => c with { TypeVocabSize = v.GetInt32() },
                "layer_norm_eps" => c with { LayerNormEps = v.GetDouble() },
                "pad_token_id" => c with { PadTokenId = v.GetInt32() },
                "hidden_act" => c with { HiddenAct = v.GetString() ?? "" },
                "hidden_dropout_prob" or "attention_probs_dropout_prob" or "model_type" => c,
                _ => throw Unsupported(name, "text_cfg.hf_model_config.", p.Name),
            };
        }
        return c;
    }

    private static ClipConfig ReadPreprocess(ClipConfig c, JsonElement e)
    {
        foreach (var p in Properties(c.Name, "preprocess_cfg", e))
        {
            var v = p.Value;
            c = p.Name switch
            {
                "mean" => c with { Mean = v.EnumerateArray().Select(x => x.GetDouble()).ToArray() },
                "std" => c with { Std = v.EnumerateArray().Select(x => x.GetDouble()).ToArray() },
                "interpolation" when v.GetString() == "bicubic" => c,
                "resize_mode" when v.GetString() == "shortest" => c,
                "size" when SquareSize(c.Name, v) == c.Vision.ImageSize => c,
                _ => throw Unsupported(c.Name, "preprocess_cfg.", p.Name),
            };
        }
        return c;
    }

    private static IEnumerable<JsonProperty> Properties(string name, string where, JsonElement e) =>
        e.ValueKind == JsonValueKind.Object ? e.EnumerateObject() : throw new ModelConfigException($"{name}: {where} must be a JSON object");

    private static bool IsOff(JsonElement v) => v.ValueKind is JsonValueKind.Null or JsonValueKind.False;

    private static int SquareSize(string name, JsonElement v)
    {
        if (v.ValueKind == JsonValueKind.Number) return v.GetInt32();
        var items = v.EnumerateArray().Select(x => x.GetInt32()).ToArray();
        if (items.Length == 2 && items[0] == items[1]) return items[0];
        throw new ModelConfigException($"{name}: only square sizes are supported, got {v.GetRawText()}");
    }

    private static ModelConfigException Unsupported(string name, string where, string key) =>
        new($"{name}: open_clip option '{where}{key}' (or its value) is not supported");
}
