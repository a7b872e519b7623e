using System.Text.Json.Serialization;
using MedFM.Imaging.Transforms;

namespace MedFM.Models.Vit;

/// <summary>Where a preset's published checkpoints come from, which decides the one adapter their keys go through.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VitCheckpointLayout>))]
public enum VitCheckpointLayout
{
    /// <summary>timm / UNI state dicts: keys as the model registers them (a DataParallel "module." prefix is removed).</summary>
    Timm,
    /// <summary>facebookresearch/mae checkpoints: weights under "model"; the pre-training decoder and mask token are dropped.</summary>
    Mae,
    /// <summary>RETFound (rmaphoh/RETFound_MAE): MAE layout; a pre-training release's "norm" is replaced by a fresh fc_norm as its code does.</summary>
    RetFound,
    /// <summary>facebookresearch/dinov2 pre-training files: flat, with an unused mask_token (dropped as timm's _convert_dinov2 does).</summary>
    DinoV2,
}

/// <summary>A named ViT: architecture, reference preprocessing and checkpoint layout.</summary>
/// <param name="Reference">The reference code the preset follows (repository + file or model name).</param>
public sealed record VitPreset(string Name, VitConfig Config, VitPreprocessing Preprocessing, VitCheckpointLayout Layout, string Reference);

/// <summary>
/// The zoo of ViT presets: timm's ImageNet ViTs (timm/models/vision_transformer.py), MAE encoders
/// (facebookresearch/mae models_vit.py and models_mae.py), RETFound (rmaphoh/RETFound_MAE models_vit.py RETFound_mae with
/// global_pool=True), timm's DINOv2 ports (vit_*_patch14_dinov2) and UNI (mahmoodlab/UNI uni/get_encoder/get_encoder.py).
/// Encoders published without a classifier have NumClasses = 0 and return pooled embeddings.
/// </summary>
public static class VitPresets
{
    private static readonly double[] ImageNetMean = ImagePipeline.ImageNetMean, ImageNetStd = ImagePipeline.ImageNetStd;

    /// <summary>timm _cfg() defaults of the augreg ViTs: 224 px, crop_pct 0.9, bicubic, mean = std = 0.5.</summary>
    private static readonly VitPreprocessing TimmDefault = VitPreprocessing.TimmEval(224, 0.9, "bicubic", ImagePipeline.InceptionMean, ImagePipeline.InceptionStd);

    /// <summary>MAE and RETFound eval transform (util/datasets.py build_transform): Resize(256, bicubic), CenterCrop(224), ImageNet statistics.</summary>
    private static readonly VitPreprocessing MaeEval = VitPreprocessing.TimmEval(224, 224.0 / 256, "bicubic", ImageNetMean, ImageNetStd);

    private static VitConfig Vit(int dim, int depth, int heads, int patch = 16, int img = 224) =>
        new() { EmbedDim = dim, Depth = depth, NumHeads = heads, PatchSize = patch, ImgSize = img };

    public static VitPreset VitTinyPatch16_224 { get; } = Timm("vit_tiny_patch16_224", Vit(192, 12, 3));
    public static VitPreset VitSmallPatch16_224 { get; } = Timm("vit_small_patch16_224", Vit(384, 12, 6));
    public static VitPreset VitBasePatch16_224 { get; } = Timm("vit_base_patch16_224", Vit(768, 12, 12));
    public static VitPreset VitLargePatch16_224 { get; } = Timm("vit_large_patch16_224", Vit(1024, 24, 16));

    /// <summary>MAE pre-trained encoder (mae_pretrain_vit_base.pth): class token, final norm, no head (timm vit_base_patch16_224.mae).</summary>
    public static VitPreset MaeVitBasePatch16 { get; } = new("mae_vit_base_patch16", Vit(768, 12, 12) with { NumClasses = 0 }, MaeEval,
        VitCheckpointLayout.Mae, "facebookresearch/mae models_mae.py mae_vit_base_patch16_dec512d8b (encoder)");

    public static VitPreset MaeVitLargePatch16 { get; } = new("mae_vit_large_patch16", Vit(1024, 24, 16) with { NumClasses = 0 }, MaeEval,
        VitCheckpointLayout.Mae, "facebookresearch/mae models_mae.py mae_vit_large_patch16_dec512d8b (encoder)");

    /// <summary>MAE fine-tuned classifier (mae_finetuned_vit_base.pth): models_vit.py global_pool=True, fc_norm, 1000-class head.</summary>
    public static VitPreset MaeVitBasePatch16Finetuned { get; } = new("mae_vit_base_patch16_finetuned", Vit(768, 12, 12) with { GlobalPool = "avg" },
        MaeEval, VitCheckpointLayout.Mae, "facebookresearch/mae models_vit.py vit_base_patch16(global_pool=True)");

    public static VitPreset MaeVitLargePatch16Finetuned { get; } = new("mae_vit_large_patch16_finetuned", Vit(1024, 24, 16) with { GlobalPool = "avg" },
        MaeEval, VitCheckpointLayout.Mae, "facebookresearch/mae models_vit.py vit_large_patch16(global_pool=True)");

    /// <summary>RETFound encoder: MAE ViT-L/16 with global average pooling and fc_norm, embedding of width 1024.</summary>
    public static VitPreset RetFound { get; } = new("retfound", Vit(1024, 24, 16) with { GlobalPool = "avg", NumClasses = 0 }, MaeEval,
        VitCheckpointLayout.RetFound, "rmaphoh/RETFound_MAE models_vit.py RETFound_mae(global_pool=True)");

    public static VitPreset VitSmallPatch14Dinov2 { get; } = Dinov2("vit_small_patch14_dinov2", 384, 12, 6);
    public static VitPreset VitBasePatch14Dinov2 { get; } = Dinov2("vit_base_patch14_dinov2", 768, 12, 12);
    public static VitPreset VitLargePatch14Dinov2 { get; } = Dinov2("vit_large_patch14_dinov2", 1024, 24, 16);

    /// <summary>UNI: timm vit_large_patch16_224 with LayerScale (init_values 1e-5), dynamic image size, no head.</summary>
    public static VitPreset Uni { get; } = new("uni",
        Vit(1024, 24, 16) with { InitValues = 1e-5, NumClasses = 0, DynamicImgSize = true },
        new VitPreprocessing { InputSize = 224, ResizeSize = 224, Interpolation = "bilinear", Mean = ImageNetMean, Std = ImageNetStd },
        VitCheckpointLayout.Timm, "mahmoodlab/UNI uni/get_encoder/get_encoder.py get_encoder('uni')");

    public static IReadOnlyDictionary<string, VitPreset> All { get; } = new[]
    {
        VitTinyPatch16_224, VitSmallPatch16_224, VitBasePatch16_224, VitLargePatch16_224,
        MaeVitBasePatch16, MaeVitLargePatch16, MaeVitBasePatch16Finetuned, MaeVitLargePatch16Finetuned, RetFound,
        VitSmallPatch14Dinov2, VitBasePatch14Dinov2, VitLargePatch14Dinov2, Uni,
    }.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public static VitPreset Get(string name) =>
        All.TryGetValue(name, out var p) ? p
        : throw new ModelConfigException($"unknown ViT preset '{name}'; known: {string.Join(", ", All.Keys)}");

    private static VitPreset Timm(string name, VitConfig config) =>
        new(name, config, TimmDefault, VitCheckpointLayout.Timm, $"timm vision_transformer.py {name}");

    /// <summary>timm's DINOv2 ports: patch 14 at 518 px (37 × 37 grid), LayerScale 1e-5, no head; position embedding resampled for other sizes.</summary>
    private static VitPreset Dinov2(string name, int dim, int depth, int heads) =>
        new(name, Vit(dim, depth, heads, patch: 14, img: 518) with { InitValues = 1e-5, NumClasses = 0, DynamicImgSize = true },
            VitPreprocessing.TimmEval(518, 1.0, "bicubic", ImageNetMean, ImageNetStd), VitCheckpointLayout.DinoV2,
            $"timm vision_transformer.py {name}");
}
