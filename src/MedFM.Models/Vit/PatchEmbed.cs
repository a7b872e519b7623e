using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Vit;

/// <summary>Image to patch tokens by a strided convolution (timm/layers/patch_embed.py, PatchEmbed; key "proj").</summary>
public sealed class PatchEmbed : Module<Tensor, Tensor>
{
    public PatchEmbed(int patchSize, int inChans, int embedDim)
    {
        PatchSize = patchSize;
        InChans = inChans;
        Proj = Register("proj", new Conv2d(inChans, embedDim, patchSize, stride: patchSize));
    }

    public int PatchSize { get; }

    public int InChans { get; }

    public Conv2d Proj { get; }

    /// <summary>[B, C, H, W] → [B, H/p, W/p, D] (NHWC grid of tokens).</summary>
    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Size(1) != InChans)
            throw new TensorShapeException("patch_embed", $"expects images [B, {InChans}, H, W], got {ShapeUtil.Format(x.Shape)}");
        if (x.Size(2) % PatchSize != 0 || x.Size(3) % PatchSize != 0)
            throw new TensorShapeException("patch_embed", $"image size {x.Size(2)}x{x.Size(3)} is not a multiple of the patch size {PatchSize}");
        return Proj.Forward(x).Permute(0, 2, 3, 1);     // [B, gh, gw, D]
    }
}
