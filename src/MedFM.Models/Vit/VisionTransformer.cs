using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;
using MedFM.Tensors.Memory;

namespace MedFM.Models.Vit;

/// <summary>
/// The Vision Transformer with timm's state-dict keys and behaviour
/// (huggingface/pytorch-image-models, timm/models/vision_transformer.py, VisionTransformer):
/// conv patch embedding, class and register tokens, learned position embedding (resampled bicubically when the
/// image grid differs and DynamicImgSize is set), pre-norm blocks, final norm, token or average pooling with fc_norm,
/// optional head. MAE/RETFound's global-pool encoder is the "avg" + fc_norm configuration.
/// </summary>
public sealed class VisionTransformer : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> norm, fcNorm, head;

    public VisionTransformer(VitConfig config)
    {
        config.Validate();
        Config = config;
        PatchEmbed = Register("patch_embed", new PatchEmbed(config.PatchSize, config.InChans, config.EmbedDim));
        int d = config.EmbedDim;
        if (config.ClassToken) ClsToken = RegisterParameter("cls_token", Tensor.Zeros(1, 1, d));
        if (config.RegTokens > 0) RegToken = RegisterParameter("reg_token", Tensor.Zeros(1, config.RegTokens, d));
        int posLen = config.GridSize * config.GridSize + (config.NoEmbedClass ? 0 : config.NumPrefixTokens);
        PosEmbed = RegisterParameter("pos_embed", Tensor.Randn(null, new[] { 1, posLen, d }, 0f, 0.02f));
        Blocks = Register("blocks", new ModuleList<VitBlock>());
        for (int i = 0; i < config.Depth; i++)
        {
            double dpr = config.Depth > 1 ? config.DropPathRate * i / (config.Depth - 1) : config.DropPathRate;
            Blocks.Add(new VitBlock(config, dpr));
        }
        norm = Register<Module<Tensor, Tensor>>("norm", config.UseFcNorm ? new Identity() : new LayerNorm(d, config.NormEps));
        fcNorm = Register<Module<Tensor, Tensor>>("fc_norm", config.UseFcNorm ? new LayerNorm(d, config.NormEps) : new Identity());
        head = Register<Module<Tensor, Tensor>>("head", config.NumClasses > 0 ? new Linear(d, config.NumClasses) : new Identity());
    }

    public VitConfig Config { get; }

    public PatchEmbed PatchEmbed { get; }

    public Tensor? ClsToken { get; }

    public Tensor? RegToken { get; }

    public Tensor PosEmbed { get; }

    public ModuleList<VitBlock> Blocks { get; }

    /// <summary>Width of the pooled features (and of the head's input).</summary>
    public int NumFeatures => Config.EmbedDim;

    /// <summary>Images [B, C, H, W] → logits [B, classes], or pooled features when there is no head.</summary>
    public override Tensor Forward(Tensor images) => ForwardHead(ForwardFeatures(images));

    /// <summary>Images → normalised tokens [B, prefix + N, D] (timm's forward_features).</summary>
    public Tensor ForwardFeatures(Tensor images, Action<int, Tensor>? onBlock = null)
    {
        var x = PosEmbedTokens(PatchEmbed.Forward(images));        // [B, T, D]
        bool pooled = TensorScope.InferenceActive;
        for (int i = 0; i < Blocks.Count; i++)
        {
            var block = Blocks[i];
            var input = x;
            // Under an inference scope each block's temporaries go back to the pool as soon as it is done.
            x = pooled ? TensorScope.Run(() => block.Forward(input)) : block.Forward(input);
            onBlock?.Invoke(i, x);
        }
        return norm.Forward(x);
    }

    /// <summary>Tokens → pooled features (preLogits) or logits (timm's forward_head).</summary>
    public Tensor ForwardHead(Tensor tokens, bool preLogits = false)
    {
        var x = Config.GlobalPool switch
        {
            "avg" => tokens.Narrow(1, Config.NumPrefixTokens, tokens.Size(1) - Config.NumPrefixTokens).Mean(1),  // [B, D]
            "token" => tokens.Select(1, 0),                                                                     // [B, D]
            _ => tokens,
        };
        x = fcNorm.Forward(x);
        return preLogits ? x : head.Forward(x);
    }

    /// <summary>Pooled embedding of images: the features a linear probe or retrieval index uses.</summary>
    public Tensor Embed(Tensor images) => ForwardHead(ForwardFeatures(images), preLogits: true);

    /// <summary>Adds the position embedding and the prefix tokens to the patch grid [B, gh, gw, D] → [B, T, D].</summary>
    private Tensor PosEmbedTokens(Tensor grid)
    {
        int b = grid.Size(0), gh = grid.Size(1), gw = grid.Size(2), d = grid.Size(3);
        var pos = PosEmbed;
        if (gh != Config.GridSize || gw != Config.GridSize)
        {
            if (!Config.DynamicImgSize)
                throw new TensorShapeException("vit", $"image grid {gh}x{gw} differs from the model's {Config.GridSize}x{Config.GridSize} (img_size {Config.ImgSize}); use a {Config.ImgSize}px input or a dynamic-size preset");
            pos = PosEmbedResample.Resample(PosEmbed, Config.GridSize, Config.GridSize, gh, gw, Config.NoEmbedClass ? 0 : Config.NumPrefixTokens);
        }
        var x = grid.Reshape(b, gh * gw, d);                        // [B, N, D]
        var prefix = new List<Tensor>();
        if (ClsToken is not null) prefix.Add(ClsToken.Expand(b, -1, -1));
        if (RegToken is not null) prefix.Add(RegToken.Expand(b, -1, -1));
        if (Config.NoEmbedClass)
        {
            x = x.Add(pos);
            return prefix.Count == 0 ? x : Tensor.Cat(prefix.Append(x).ToList(), 1);
        }
        if (prefix.Count > 0) x = Tensor.Cat(prefix.Append(x).ToList(), 1);
        return x.Add(pos);                                          // [B, T, D]
    }
}
