using MedFM.NN;
using MedFM.Tensors;

namespace MedFM.Models.Clip;

/// <summary>An image tower: normalised images [B, 3, S, S] → embeddings [B, OutputDim] (before L2 normalisation).</summary>
public abstract class ClipImageTower : Module
{
    public abstract int OutputDim { get; }

    public abstract int ImageSize { get; }

    public abstract Tensor Encode(Tensor images);
}

/// <summary>A text tower: token ids [B, L] (int64, L ≤ ContextLength) → embeddings [B, OutputDim] (before L2 normalisation).</summary>
public interface IClipTextTower
{
    int OutputDim { get; }

    int ContextLength { get; }

    /// <summary>Width of the transformer (the features before the projection).</summary>
    int Width { get; }

    Tensor Encode(Tensor ids);
}
