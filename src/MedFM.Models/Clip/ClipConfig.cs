namespace MedFM.Models.Clip;

/// <summary>
/// An image–text model: embedding width, the two towers and the image preprocessing, as open_clip's JSON model
/// configs describe them (mlfoundations/open_clip, src/open_clip/model_configs/*.json; a Hugging Face
/// open_clip_config.json adds "preprocess_cfg"). Models whose text tower is a Hugging Face model, or that say
/// "custom_text", keep the text tower under "text." (open_clip's CustomTextCLIP); the others keep OpenAI CLIP's flat
/// text keys. <see cref="ClipPresets"/> names the published ones; <see cref="FromOpenClipJson"/> reads any.
/// </summary>
public sealed partial record ClipConfig
{
    /// <summary>OpenAI CLIP's image normalisation (open_clip constants OPENAI_DATASET_MEAN / _STD).</summary>
    public static readonly double[] OpenAiMean = [0.48145466, 0.4578275, 0.40821073];
    public static readonly double[] OpenAiStd = [0.26862954, 0.26130258, 0.27577711];

    public string Name { get; init; } = "clip";
    public int EmbedDim { get; init; } = 512;

    /// <summary>x·σ(1.702x) instead of GELU in the OpenAI-style towers (OpenAI's own weights were trained with it).</summary>
    public bool QuickGelu { get; init; }

    /// <summary>Keep the text tower under "text." even when it is the CLIP transformer.</summary>
    public bool CustomText { get; init; }

    public ClipVisionConfig Vision { get; init; } = new();
    public ClipTextConfig Text { get; init; } = new();

    public double[] Mean { get; init; } = OpenAiMean;
    public double[] Std { get; init; } = OpenAiStd;

    /// <summary>The image side the model takes (resize of the shorter side, then centre crop).</summary>
    public int ImageSize => Vision.ImageSize;

    /// <summary>Whether the text tower's keys sit under "text." (open_clip's CustomTextCLIP).</summary>
    public bool UsesCustomTextKeys => CustomText || Text.IsHf;

    public void Validate()
    {
        if (EmbedDim <= 0) throw new ModelConfigException($"{Name}: embed_dim must be positive, got {EmbedDim}");
        if (Mean.Length != 3 || Std.Length != 3 || Std.Any(s => !(s > 0)))
            throw new ModelConfigException($"{Name}: mean and std must hold 3 values each, std positive");
        Vision.Validate(Name);
        Text.Validate(Name);
    }
}
