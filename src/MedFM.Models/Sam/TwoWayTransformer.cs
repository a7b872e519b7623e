using MedFM.Models.Common;
using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Sam;

/// <summary>
/// The decoder's transformer (segment_anything/modeling/transformer.py, TwoWayTransformer): prompt tokens and image
/// tokens attend to each other in each layer, then a final token-to-image attention.
/// </summary>
public sealed class TwoWayTransformer : Module
{
    public TwoWayTransformer(int depth, int dim, int numHeads, int mlpDim, int downsampleRate = 2)
    {
        Layers = Register("layers", new ModuleList<TwoWayAttentionBlock>());
        for (int i = 0; i < depth; i++)
            Layers.Add(new TwoWayAttentionBlock(dim, numHeads, mlpDim, downsampleRate, skipFirstLayerPe: i == 0));
        FinalAttnTokenToImage = Register("final_attn_token_to_image", new DecoderAttention(dim, numHeads, downsampleRate));
        NormFinalAttn = Register("norm_final_attn", new LayerNorm(dim));
    }

    public ModuleList<TwoWayAttentionBlock> Layers { get; }

    public DecoderAttention FinalAttnTokenToImage { get; }

    public LayerNorm NormFinalAttn { get; }

    /// <summary>
    /// Image tokens [B, hw, C] (the image embedding made token-major: the reference flattens and permutes it first),
    /// their positional encoding [B, hw, C] and prompt tokens [B, T, C] → (tokens [B, T, C], image tokens [B, hw, C]).
    /// </summary>
    public (Tensor Queries, Tensor Keys) ForwardTokens(Tensor keys, Tensor keyPe, Tensor tokens)
    {
        var queries = tokens;
        foreach (var layer in Layers)
            (queries, keys) = layer.Forward(queries, keys, tokens, keyPe);
        var attn = FinalAttnTokenToImage.Forward(queries.Add(tokens), keys.Add(keyPe), keys);
        return (NormFinalAttn.Forward(queries.Add(attn)), keys);
    }
}

/// <summary>
/// One two-way layer (transformer.py, TwoWayAttentionBlock): token self-attention, token→image cross-attention,
/// token MLP (ReLU), image→token cross-attention; each followed by a residual and a LayerNorm.
/// </summary>
public sealed class TwoWayAttentionBlock : Module
{
    private readonly bool skipFirstLayerPe;

    public TwoWayAttentionBlock(int dim, int numHeads, int mlpDim, int downsampleRate, bool skipFirstLayerPe)
    {
        this.skipFirstLayerPe = skipFirstLayerPe;
        SelfAttn = Register("self_attn", new DecoderAttention(dim, numHeads, 1));
        Norm1 = Register("norm1", new LayerNorm(dim));
        CrossAttnTokenToImage = Register("cross_attn_token_to_image", new DecoderAttention(dim, numHeads, downsampleRate));
        Norm2 = Register("norm2", new LayerNorm(dim));
        Mlp = Register("mlp", new MlpBlock(dim, mlpDim, relu: true));
        Norm3 = Register("norm3", new LayerNorm(dim));
        Norm4 = Register("norm4", new LayerNorm(dim));
        CrossAttnImageToToken = Register("cross_attn_image_to_token", new DecoderAttention(dim, numHeads, downsampleRate));
    }

    public DecoderAttention SelfAttn { get; }
    public LayerNorm Norm1 { get; }
    public DecoderAttention CrossAttnTokenToImage { get; }
    public LayerNorm Norm2 { get; }
    public MlpBlock Mlp { get; }
    public LayerNorm Norm3 { get; }
    public LayerNorm Norm4 { get; }
    public DecoderAttention CrossAttnImageToToken { get; }

    public (Tensor Queries, Tensor Keys) Forward(Tensor queries, Tensor keys, Tensor queryPe, Tensor keyPe)
    {
        if (skipFirstLayerPe)
        {
            queries = SelfAttn.Forward(queries, queries, queries);
        }
        else
        {
            var q0 = queries.Add(queryPe);
            queries = queries.Add(SelfAttn.Forward(q0, q0, queries));
        }
        queries = Norm1.Forward(queries);
        var q = queries.Add(queryPe);
        var k = keys.Add(keyPe);
        queries = Norm2.Forward(queries.Add(CrossAttnTokenToImage.Forward(q, k, keys)));
        queries = Norm3.Forward(queries.Add(Mlp.Forward(queries)));
        q = queries.Add(queryPe);
        keys = Norm4.Forward(keys.Add(CrossAttnImageToToken.Forward(k, q, queries)));
        return (queries, keys);
    }
}

/// <summary>Attention with separate q/k/v projections to a possibly downsampled width (transformer.py, Attention).</summary>
public sealed class DecoderAttention : Module
{
    public DecoderAttention(int dim, int numHeads, int downsampleRate)
    {
        NumHeads = numHeads;
        int inner = dim / downsampleRate;
        if (inner % numHeads != 0) throw new ModelConfigException($"SAM decoder: {numHeads} heads do not divide width {inner}");
        QProj = Register("q_proj", new Linear(dim, inner));
        KProj = Register("k_proj", new Linear(dim, inner));
        VProj = Register("v_proj", new Linear(dim, inner));
        OutProj = Register("out_proj", new Linear(inner, dim));
    }

    public int NumHeads { get; }
    public Linear QProj { get; }
    public Linear KProj { get; }
    public Linear VProj { get; }
    public Linear OutProj { get; }

    public Tensor Forward(Tensor q, Tensor k, Tensor v)
    {
        var o = Attend.Sdpa(Heads(QProj.Forward(q)), Heads(KProj.Forward(k)), Heads(VProj.Forward(v)));   // [B, nH, Nq, d]
        int b = o.Size(0), n = o.Size(2);
        return OutProj.Forward(o.Transpose(1, 2).Reshape(b, n, -1));                                  // [B, Nq, C]
    }

    private Tensor Heads(Tensor x) => x.Reshape(x.Size(0), x.Size(1), NumHeads, -1).Transpose(1, 2);  // [B, nH, N, d]
}
