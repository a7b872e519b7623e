namespace MedFM.Models.Sam;

/// <summary>
/// SAM's architecture (facebookresearch/segment-anything, segment_anything/build_sam.py, _build_sam): a ViT image
/// encoder with windowed and global attention, the prompt encoder and the two-way-transformer mask decoder.
/// </summary>
public sealed record SamConfig
{
    public int ImageSize { get; init; } = 1024;
    public int PatchSize { get; init; } = 16;
    public int EncoderEmbedDim { get; init; } = 768;
    public int EncoderDepth { get; init; } = 12;
    public int EncoderNumHeads { get; init; } = 12;
    public int[] GlobalAttnIndexes { get; init; } = { 2, 5, 8, 11 };
    public int WindowSize { get; init; } = 14;
    public double MlpRatio { get; init; } = 4.0;
    public int PromptEmbedDim { get; init; } = 256;
    public int MaskInChans { get; init; } = 16;
    public int DecoderDepth { get; init; } = 2;
    public int DecoderNumHeads { get; init; } = 8;
    public int DecoderMlpDim { get; init; } = 2048;
    public int NumMultimaskOutputs { get; init; } = 3;
    public int IouHeadDepth { get; init; } = 3;
    public int IouHeadHiddenDim { get; init; } = 256;
    public float[] PixelMean { get; init; } = { 123.675f, 116.28f, 103.53f };
    public float[] PixelStd { get; init; } = { 58.395f, 57.12f, 57.375f };

    /// <summary>"sam" (ResizeLongestSide + mean/std + pad) or "medsam" (resize to a square, min–max to [0, 1]).</summary>
    public string Preprocessing { get; init; } = "sam";

    public int EmbeddingSize => ImageSize / PatchSize;

    public void Validate()
    {
        if (ImageSize % PatchSize != 0) throw new ModelConfigException($"SAM: image size {ImageSize} is not a multiple of patch size {PatchSize}");
        if (EncoderEmbedDim % EncoderNumHeads != 0) throw new ModelConfigException($"SAM: encoder width {EncoderEmbedDim} is not divisible by {EncoderNumHeads} heads");
        if (PromptEmbedDim % 8 != 0 || (PromptEmbedDim / 2) % DecoderNumHeads != 0)
            throw new ModelConfigException($"SAM: prompt embedding width {PromptEmbedDim} does not fit {DecoderNumHeads} decoder heads");
        foreach (var i in GlobalAttnIndexes)
            if (i < 0 || i >= EncoderDepth) throw new ModelConfigException($"SAM: global attention index {i} outside depth {EncoderDepth}");
        if (Preprocessing is not ("sam" or "medsam")) throw new ModelConfigException($"SAM: preprocessing must be 'sam' or 'medsam', got '{Preprocessing}'");
    }
}
