namespace MedFM.Models.Clip;

/// <summary>
/// A text tower's architecture with open_clip's names and defaults (mlfoundations/open_clip, src/open_clip/model.py,
/// CLIPTextCfg): the OpenAI-CLIP causal transformer, or, when <see cref="HfModelName"/> is set, a Hugging Face BERT
/// encoder with a pooler and a projection (open_clip's HFTextEncoder; <see cref="Bert"/> holds its architecture).
/// </summary>
public sealed record ClipTextConfig
{
    public int ContextLength { get; init; } = 77;
    public int VocabSize { get; init; } = 49408;
    public int Width { get; init; } = 512;
    public int Heads { get; init; } = 8;
    public int Layers { get; init; } = 12;
    public double MlpRatio { get; init; } = 4.0;

    /// <summary>"argmax" (the end-of-text token, the highest id of each row), "first" or "last".</summary>
    public string PoolType { get; init; } = "argmax";

    public bool ProjBias { get; init; }

    /// <summary>The Hugging Face text model (e.g. microsoft/BiomedNLP-BiomedBERT-base-uncased-abstract); null for the CLIP transformer.</summary>
    public string? HfModelName { get; init; }

    public string? HfTokenizerName { get; init; }

    /// <summary>"mlp" (Linear → GELU → Linear, no biases), "linear" or "none".</summary>
    public string HfProjType { get; init; } = "mlp";

    /// <summary>"cls_last_hidden_state_pooler" (the first token's last hidden state) or "mean_pooler" (mean over real tokens).</summary>
    public string HfPoolerType { get; init; } = "mean_pooler";

    /// <summary>The BERT architecture of the HF model (from a known name or the config's hf_model_config).</summary>
    public BertConfig? Bert { get; init; }

    public bool IsHf => HfModelName is not null;

    public void Validate(string model)
    {
        if (ContextLength < 2) throw new ModelConfigException($"{model}: context_length must be at least 2, got {ContextLength}");
        if (IsHf)
        {
            if (Bert is null) throw new ModelConfigException($"{model}: text model '{HfModelName}' has no known BERT architecture; give it in text_cfg.hf_model_config");
            Bert.Validate(model);
            if (HfProjType is not ("mlp" or "linear" or "none"))
                throw new ModelConfigException($"{model}: hf_proj_type '{HfProjType}' is not supported (mlp, linear, none)");
            if (HfPoolerType is not ("cls_last_hidden_state_pooler" or "mean_pooler"))
                throw new ModelConfigException($"{model}: hf_pooler_type '{HfPoolerType}' is not supported (cls_last_hidden_state_pooler, mean_pooler)");
            if (ContextLength > Bert.MaxPositionEmbeddings)
                throw new ModelConfigException($"{model}: context_length {ContextLength} exceeds the BERT position table of {Bert.MaxPositionEmbeddings}");
            return;
        }
        if (Width <= 0 || Heads <= 0 || Width % Heads != 0)
            throw new ModelConfigException($"{model}: text width {Width} must be a positive multiple of heads {Heads}");
        if (Layers <= 0 || VocabSize <= 0) throw new ModelConfigException($"{model}: text layers and vocab_size must be positive");
        if (PoolType is not ("argmax" or "first" or "last"))
            throw new ModelConfigException($"{model}: text pool_type '{PoolType}' is not supported (argmax, first, last)");
    }
}
