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
        int h = image.Size(2), w = image.Size(3);
        // The transformer works on token-major image features. The embedding and its positional encoding stay the
        // same over every prompt on one image, so their token-major copies are made once; the dense prompt
        // embedding (one vector per channel without a mask input) is added as a broadcast view.
        var src = RepeatTo(imageTokens.Get(image, TokenMajor), bs).Add(TokenView(dense));         // [B, hw, C]
        var posSrc = RepeatTo(peTokens.Get(imagePe, TokenMajor), bs);                             // [B, hw, C]
        var (hs, keys) = Transformer.ForwardTokens(src, posSrc, tokens);
        int b = keys.Size(0);
        var iouTokenOut = hs.Select(1, 0);                                                        // [B, C]
        var maskTokensOut = hs.Narrow(1, 1, NumMaskTokens);                                       // [B, M, C]
        var hyper = new Tensor[NumMaskTokens];
        for (int i = 0; i < NumMaskTokens; i++) hyper[i] = OutputHypernetworksMlps[i].Forward(maskTokensOut.Select(1, i));
        var hyperIn = Tensor.Stack(hyper, 1);                                                     // [B, M, C/8]
        var upscaled = UpscaleTokens(keys, h, w);                                                 // [B, 4h, 4w, C/8]
        int uh = upscaled.Size(1), uw = upscaled.Size(2);
        var masks = hyperIn.Matmul(upscaled.Reshape(b, uh * uw, -1).Transpose(1, 2)).Reshape(b, -1, uh, uw); // [B, M, 4h, 4w]
        return (masks, IouPredictionHead.Forward(iouTokenOut));
    }

    private readonly Tensors.Memory.DerivedTensorCache imageTokens = new(), peTokens = new();

    /// <summary>[B, C, h, w] → [B, h·w, C], contiguous.</summary>
    private static Tensor TokenMajor(Tensor x) => TokenView(x).Contiguous();

    /// <summary>[B, C, h, w] → the [B, h·w, C] view (a dense prompt embedding expanded from one vector stays a broadcast).</summary>
    private static Tensor TokenView(Tensor x) => x.Flatten(2).Permute(0, 2, 1);

    /// <summary>
    /// output_upscaling on token-major features, channels last throughout, with the same weights: a 2×2 stride-2
    /// transposed convolution sends each pixel to its own 2×2 output block, so it is a linear map from C to 2·2·C'
    /// whose outputs are then interleaved into the doubled grid, and LayerNorm2d over channels is a row LayerNorm.
    /// keys [B, h·w, C] → [B, 4h, 4w, C/8]. The layers are the ones the constructor registers (SAM's: 2×2 stride-2
    /// transposed conv, LayerNorm2d, GELU, 2×2 stride-2 transposed conv, GELU); their keys and weights are unchanged.
    /// </summary>
    private Tensor UpscaleTokens(Tensor keys, int h, int w)
    {
        var norm = (LayerNorm2d)OutputUpscaling[1];
        var x = BlockConv(keys, (ConvTranspose2d)OutputUpscaling[0], h, w, gelu: false);         // [B, 2h, 2w, C/4]
        x = Tensor.LayerNorm(x, new[] { norm.NumChannels }, norm.Weight, norm.Bias, (float)norm.Eps).Gelu();
        return BlockConv(x.Reshape(x.Size(0), 4 * h * w, -1), (ConvTranspose2d)OutputUpscaling[3], 2 * h, 2 * w, gelu: true);
    }

    /// <summary>A 2×2 stride-2 transposed conv (then GELU if asked) on x [B, h·w, Cin] → [B, 2h, 2w, Cout].</summary>
    private static Tensor BlockConv(Tensor x, ConvTranspose2d conv, int h, int w, bool gelu)
    {
        int cin = conv.InChannels, cout = conv.OutChannels, b = x.Size(0);
        var weight = conv.Weight.Permute(2, 3, 1, 0).Reshape(4 * cout, cin);                    // [(ky, kx, co), ci]
        var bias = conv.Bias?.Unsqueeze(0).Expand(4, cout).Reshape(4 * cout);
        var y = gelu ? Tensor.LinearGelu(x, weight, bias) : Tensor.Linear(x, weight, bias);      // [B, h·w, 4·Cout]
        return y.Reshape(b, h, w, 2, 2, cout).Permute(0, 1, 3, 2, 4, 5).Reshape(b, 2 * h, 2 * w, cout);
    }

    /// <summary>torch.repeat_interleave along the batch for a single embedding; a full batch passes through.</summary>
    private static Tensor RepeatTo(Tensor x, int bs)
    {
        if (x.Size(0) == bs) return x;
        if (x.Size(0) != 1) throw new TensorShapeException("mask_decoder", $"image batch {x.Size(0)} does not match {bs} prompts");
        return x.Expand(new[] { bs }.Concat(x.ShapeArray()[1..]).ToArray());
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
