using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Clip;

/// <summary>
/// The OpenAI-CLIP text tower (mlfoundations/open_clip, src/open_clip/transformer.py, TextTransformer and
/// text_global_pool; openai/CLIP clip/model.py, CLIP.encode_text): token_embedding + positional_embedding, the block
/// stack under a causal mask, ln_final, pooling at the end-of-text token (the row's highest id, "argmax"), then
/// text_projection (a [W, E] matrix, or a Linear with bias when proj_bias). As a module its keys are
/// token_embedding.weight, positional_embedding, transformer.*, ln_final.*, text_projection — what open_clip's
/// CustomTextCLIP keeps under "text."; <see cref="ClipModel"/> registers the same parts at its root for CLIP's flat keys.
/// </summary>
public sealed class ClipTextTransformer : Module, IClipTextTower
{
    public ClipTextTransformer(ClipTextConfig config, int outputDim, bool quickGelu)
    {
        Config = config;
        int w = config.Width;
        PositionalEmbedding = RegisterParameter("positional_embedding", Tensor.Randn(null, new[] { config.ContextLength, w }, 0f, 0.01f));
        if (!config.ProjBias)
            TextProjection = RegisterParameter("text_projection", Tensor.Randn(null, new[] { w, outputDim }, 0f, 1f / MathF.Sqrt(w)));
        TokenEmbedding = Register("token_embedding", new Embedding(config.VocabSize, w));
        Transformer = Register("transformer", new ClipTransformer(w, config.Layers, config.Heads, config.MlpRatio, quickGelu));
        LnFinal = Register("ln_final", new LayerNorm(w));
        if (config.ProjBias) TextProjectionLinear = Register("text_projection", new Linear(w, outputDim));
        OutputDim = outputDim;
    }

    public ClipTextConfig Config { get; }

    public Tensor PositionalEmbedding { get; }

    /// <summary>The [W, E] projection matrix (null when the projection is a Linear with bias).</summary>
    public Tensor? TextProjection { get; }

    public Linear? TextProjectionLinear { get; }

    public Embedding TokenEmbedding { get; }

    public ClipTransformer Transformer { get; }

    public LayerNorm LnFinal { get; }

    public int OutputDim { get; }

    public int ContextLength => Config.ContextLength;

    public int Width => Config.Width;

    public Tensor Encode(Tensor ids) => Encode(ids, null);

    /// <summary>Ids [B, L] (int64, L ≤ context length) → [B, E]; onBlock sees each block's output [B, L, W].</summary>
    public Tensor Encode(Tensor ids, Action<int, Tensor>? onBlock)
    {
        CheckIds(ids, Config.VocabSize, Config.ContextLength, "clip_text");
        int b = ids.Size(0), l = ids.Size(1);
        var x = TokenEmbedding.Forward(ids).Add(PositionalEmbedding.Narrow(0, 0, l));     // [B, L, W]
        x = LnFinal.Forward(Transformer.Forward(x, causal: true, onBlock));                 // [B, L, W]
        var pooled = Pool(x, ids);                                                         // [B, W]
        return TextProjection is not null ? pooled.Matmul(TextProjection) : TextProjectionLinear!.Forward(pooled);  // [B, E]
    }

    private Tensor Pool(Tensor x, Tensor ids) => Config.PoolType switch
    {
        "first" => x.Select(1, 0),
        "last" => x.Select(1, x.Size(1) - 1),
        _ => x.Gather(1, ArgMaxRows(ids).Reshape(ids.Size(0), 1, 1).Expand(ids.Size(0), 1, x.Size(2))).Squeeze(1),
    };

    /// <summary>Per row, the first position of the highest id (torch.argmax): the end-of-text token in CLIP's vocabulary.</summary>
    private static Tensor ArgMaxRows(Tensor ids)
    {
        int b = ids.Size(0), l = ids.Size(1);
        var data = ids.ToLongArray();
        var index = new long[b];
        for (int r = 0; r < b; r++)
        {
            int best = 0;
            for (int j = 1; j < l; j++)
                if (data[r * l + j] > data[r * l + best]) best = j;
            index[r] = best;
        }
        return Tensor.FromLongs(index, b);
    }

    /// <summary>Token ids must be an int64 [B, L] tensor with 1 ≤ L ≤ the context length and every id in the vocabulary.</summary>
    internal static void CheckIds(Tensor ids, int vocabSize, int contextLength, string op)
    {
        if (ids.DType != DType.Int64 || ids.Rank != 2 || ids.Size(1) < 1 || ids.Size(1) > contextLength)
            throw new TensorShapeException(op, $"expects int64 token ids [B, L] with 1 ≤ L ≤ {contextLength}, got {ids.DType} {ShapeUtil.Format(ids.Shape)}");
        foreach (long id in ids.ToLongArray())
            if (id < 0 || id >= vocabSize)
                throw new TensorShapeException(op, $"token id {id} is outside the text tower's vocabulary of {vocabSize}; the tokenizer does not match the model");
    }
}
