using System.Text.Json;

namespace MedFM.Models.Vit;

public sealed partial record VitConfig
{
    /// <summary>
    /// A config from timm VisionTransformer keyword arguments (as in a timm model's config.json "model_args").
    /// Unknown arguments are refused by name, so an unsupported option never silently changes the network.
    /// </summary>
    public static VitConfig FromTimmKwargs(JsonElement kwargs)
    {
        var c = new VitConfig();
        foreach (var p in kwargs.EnumerateObject())
        {
            var v = p.Value;
            c = p.Name switch
            {
                "img_size" => c with { ImgSize = v.GetInt32() },
                "patch_size" => c with { PatchSize = v.GetInt32() },
                "in_chans" => c with { InChans = v.GetInt32() },
                "num_classes" => c with { NumClasses = v.GetInt32() },
                "global_pool" => c with { GlobalPool = v.GetString() ?? "" },
                "embed_dim" => c with { EmbedDim = v.GetInt32() },
                "depth" => c with { Depth = v.GetInt32() },
                "num_heads" => c with { NumHeads = v.GetInt32() },
                "mlp_ratio" => c with { MlpRatio = v.GetDouble() },
                "qkv_bias" => c with { QkvBias = v.GetBoolean() },
                "init_values" => c with { InitValues = v.ValueKind == JsonValueKind.Null ? null : v.GetDouble() },
                "class_token" => c with { ClassToken = v.GetBoolean() },
                "reg_tokens" => c with { RegTokens = v.GetInt32() },
                "no_embed_class" => c with { NoEmbedClass = v.GetBoolean() },
                "dynamic_img_size" => c with { DynamicImgSize = v.GetBoolean() },
                "fc_norm" => c with { FcNorm = v.ValueKind == JsonValueKind.Null ? null : v.GetBoolean() },
                "drop_rate" => c with { DropRate = v.GetDouble() },
                "drop_path_rate" => c with { DropPathRate = v.GetDouble() },
                _ => throw new ModelConfigException($"ViT: timm argument '{p.Name}' is not supported"),
            };
        }
        c.Validate();
        return c;
    }
}
