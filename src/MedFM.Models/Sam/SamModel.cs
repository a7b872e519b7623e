using MedFM.NN;
using MedFM.Tensors;

namespace MedFM.Models.Sam;

/// <summary>
/// Segment Anything (facebookresearch/segment-anything, segment_anything/modeling/sam.py, Sam): image encoder,
/// prompt encoder and mask decoder under the official state-dict keys (image_encoder.*, prompt_encoder.*,
/// mask_decoder.*). MedSAM is the same network with its own weights and preprocessing.
/// </summary>
public sealed class SamModel : Module
{
    public SamModel(SamConfig config)
    {
        config.Validate();
        Config = config;
        ImageEncoder = Register("image_encoder", new ImageEncoderViT(config));
        PromptEncoder = Register("prompt_encoder", new PromptEncoder(config.PromptEmbedDim, config.EmbeddingSize, config.ImageSize, config.MaskInChans));
        MaskDecoder = Register("mask_decoder", new MaskDecoder(config.PromptEmbedDim,
            new TwoWayTransformer(config.DecoderDepth, config.PromptEmbedDim, config.DecoderNumHeads, config.DecoderMlpDim),
            config.NumMultimaskOutputs, config.IouHeadDepth, config.IouHeadHiddenDim));
    }

    public SamConfig Config { get; }

    public ImageEncoderViT ImageEncoder { get; }

    public PromptEncoder PromptEncoder { get; }

    public MaskDecoder MaskDecoder { get; }

    /// <summary>Prompts → low-res logits [B, 1 or 3, 256, 256] and IoU predictions for one image embedding [1, 256, 64, 64].</summary>
    public (Tensor LowResLogits, Tensor Iou) Decode(Tensor embedding, SamPrompt prompt, bool multimask)
    {
        var (sparse, dense) = PromptEncoder.Forward(prompt.PointCoords, prompt.PointLabels, prompt.Box, prompt.MaskInput);
        return MaskDecoder.Forward(embedding, PromptEncoder.GetDensePe(), sparse, dense, multimask);
    }
}

/// <summary>
/// Prompts in the model's input frame (1024 × 1024 after resizing): points [B, N, 2] with labels [B, N],
/// a box [B, 4] as (x0, y0, x1, y1), a previous low-res mask [B, 1, 256, 256]. Any may be null.
/// </summary>
public sealed record SamPrompt(Tensor? PointCoords = null, Tensor? PointLabels = null, Tensor? Box = null, Tensor? MaskInput = null);
