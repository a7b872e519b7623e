using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Sam;

/// <summary>
/// Predicts masks and their IoU from the image embedding and prompt embeddings
/// (segment_anything/modeling/mask_decoder.py, MaskDecoder): output tokens (IoU + one per mask) run through the
/// two-way transformer, the image tokens are upscaled ×4 by transposed convs, and each mask token's hypernetwork MLP
/// gives the weights of its mask as a dot product with the upscaled features.
/// </summary>
public sealed class MaskDecoder : Module
{
    public MaskDecoder(int dim, TwoWayTransformer transformer, int numMultimaskOutputs, int iouHeadDepth, int iouHeadHidden)
    {
        NumMaskTokens = numMultimaskOutputs + 1;
        Transformer = Register("transformer", transformer);
        IouToken = Register("iou_token", new Embedding(1, dim));
        MaskTokens = Register("mask_tokens", new Embedding(NumMaskTokens, dim));
        OutputUpscaling = Register("output_upscaling", new Sequential(
            new ConvTranspose2d(dim, dim / 4, 2, stride: 2),
            new LayerNorm2d(dim / 4),
            new GELU(),
            new ConvTranspose2d(dim / 4, dim / 8, 2, stride: 2),
            new GELU()));
        OutputHypernetworksMlps = Register("output_hypernetworks_mlps", new ModuleList<HyperMlp>());
        for (int i = 0; i < NumMaskTokens; i++) OutputHypernetworksMlps.Add(new HyperMlp(dim, dim, dim / 8, 3));
        IouPredictionHead = Register("iou_prediction_head", new HyperMlp(dim, iouHeadHidden, NumMaskTokens, iouHeadDepth));
    }

    public int NumMaskTokens { get; }
    public TwoWayTransformer Transformer { get; }
    public Embedding IouToken { get; }
    public Embedding MaskTokens { get; }
    public Sequential OutputUpscaling { get; }
    public ModuleList<HyperMlp> OutputHypernetworksMlps { get; }
    public HyperMlp IouPredictionHead { get; }

    /// <summary>
    /// image [1 or B, C, 64, 64], imagePe [1, C, 64, 64], sparse [B, n, C], dense [B, C, 64, 64] →
    /// low-res mask logits [B, 1 or 3, 256, 256] and IoU predictions [B, 1 or 3].
    /// </summary>
    public (Tensor Masks, Tensor Iou) Forward(Tensor image, Tensor imagePe, Tensor sparse, Tensor dense, bool multimask)
    {
        var (masks, iou) = PredictMasks(image, imagePe, sparse, dense);
        return multimask
            ? (masks.Narrow(1, 1, NumMaskTokens - 1), iou.Narrow(1, 1, NumMaskTokens - 1))
            : (masks.Narrow(1, 0, 1), iou.Narrow(1, 0, 1));
    }

    public (Tensor Masks, Tensor Iou) PredictMasks(Tensor image, Tensor imagePe, Tensor sparse, Tensor dense)
    {
        int bs = sparse.Size(0);
        var output = Tensor.Cat(new[] { IouToken.Weight, MaskTokens.Weight }, 0);                  // [1 + M, C]
        var tokens = Tensor.Cat(new[] { output.Unsqueeze(0).Expand(bs, -1, -1), sparse }, 1);    // [B, 1 + M + n, C]
        var src = RepeatTo(image, bs).Add(dense);                                                 // [B, C, h, w]
        var posSrc = RepeatTo(imagePe, bs);
        int b = src.Size(0), c = src.Size(1), h = src.Size(2), w = src.Size(3);
        var (hs, keys) = Transformer.Forward(src, posSrc, tokens);
        var iouTokenOut = hs.Select(1, 0);                                                        // [B, C]
        var maskTokensOut = hs.Narrow(1, 1, NumMaskTokens);                                       // [B, M, C]
        var upscaled = OutputUpscaling.Forward(keys.Transpose(1, 2).Reshape(b, c, h, w));         // [B, C/8, 4h, 4w]
        var hyper = new Tensor[NumMaskTokens];
        for (int i = 0; i < NumMaskTokens; i++) hyper[i] = OutputHypernetworksMlps[i].Forward(maskTokensOut.Select(1, i));
        var hyperIn = Tensor.Stack(hyper, 1);                                                     // [B, M, C/8]
        int uc = upscaled.Size(1), uh = upscaled.Size(2), uw = upscaled.Size(3);
        var masks = hyperIn.Matmul(upscaled.Reshape(b, uc, uh * uw)).Reshape(b, -1, uh, uw);     // [B, M, 4h, 4w]
        return (masks, IouPredictionHead.Forward(iouTokenOut));
    }

    /// <summary>torch.repeat_interleave along the batch for a single embedding; a full batch passes through.</summary>
    private static Tensor RepeatTo(Tensor x, int bs)
    {
        if (x.Size(0) == bs) return x;
        if (x.Size(0) != 1) throw new TensorShapeException("mask_decoder", $"image batch {x.Size(0)} does not match {bs} prompts");
        return x.Expand(bs, -1, -1, -1);
    }
}

/// <summary>A plain MLP with ReLU between layers (mask_decoder.py, MLP; keys layers.0 .. layers.n−1).</summary>
public sealed class HyperMlp : Module<Tensor, Tensor>
{
    public HyperMlp(int inputDim, int hiddenDim, int outputDim, int numLayers)
    {
        Layers = Register("layers", new ModuleList<Linear>());
        for (int i = 0; i < numLayers; i++)
            Layers.Add(new Linear(i == 0 ? inputDim : hiddenDim, i == numLayers - 1 ? outputDim : hiddenDim));
    }

    public ModuleList<Linear> Layers { get; }

    public override Tensor Forward(Tensor x)
    {
        for (int i = 0; i < Layers.Count; i++)
        {
            x = Layers[i].Forward(x);
            if (i < Layers.Count - 1) x = x.Relu();
        }
        return x;
    }
}
