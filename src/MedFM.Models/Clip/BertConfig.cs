namespace MedFM.Models.Clip;

/// <summary>
/// A BERT encoder's architecture with Hugging Face's BertConfig names and defaults (huggingface/transformers,
/// src/transformers/models/bert/configuration_bert.py): what open_clip's HFTextEncoder builds for BiomedCLIP.
/// </summary>
public sealed record BertConfig
{
    public int VocabSize { get; init; } = 30522;
    public int HiddenSize { get; init; } = 768;
    public int NumHiddenLayers { get; init; } = 12;
    public int NumAttentionHeads { get; init; } = 12;
    public int IntermediateSize { get; init; } = 3072;
    public int MaxPositionEmbeddings { get; init; } = 512;
    public int TypeVocabSize { get; init; } = 2;
    public double LayerNormEps { get; init; } = 1e-12;
    public int PadTokenId { get; init; }

    /// <summary>"gelu" (erf) or "gelu_new"/"gelu_pytorch_tanh" (tanh approximation).</summary>
    public string HiddenAct { get; init; } = "gelu";

    /// <summary>microsoft/BiomedNLP-BiomedBERT-base-uncased-abstract (PubMedBERT): BERT-base with its own 30,522-piece vocabulary.</summary>
    public static BertConfig PubMedBertBase { get; } = new();

    public void Validate(string model)
    {
        if (HiddenSize <= 0 || NumAttentionHeads <= 0 || HiddenSize % NumAttentionHeads != 0)
            throw new ModelConfigException($"{model}: BERT hidden_size {HiddenSize} must be a positive multiple of num_attention_heads {NumAttentionHeads}");
        if (VocabSize <= 0 || NumHiddenLayers <= 0 || IntermediateSize <= 0 || MaxPositionEmbeddings <= 0 || TypeVocabSize <= 0)
            throw new ModelConfigException($"{model}: BERT sizes must be positive");
        if (PadTokenId < 0 || PadTokenId >= VocabSize)
            throw new ModelConfigException($"{model}: BERT pad_token_id {PadTokenId} is outside the vocabulary of {VocabSize}");
        if (HiddenAct is not ("gelu" or "gelu_new" or "gelu_pytorch_tanh"))
            throw new ModelConfigException($"{model}: BERT hidden_act '{HiddenAct}' is not supported (gelu, gelu_new, gelu_pytorch_tanh)");
    }
}
