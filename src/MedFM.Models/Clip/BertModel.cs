using MedFM.Models.Common;
using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;
using MedFM.Tensors.Memory;

namespace MedFM.Models.Clip;

/// <summary>
/// BERT encoder with Hugging Face's module names (huggingface/transformers, src/transformers/models/bert/
/// modeling_bert.py, BertModel without its pooling layer, as open_clip's HFTextEncoder builds it for a
/// cls_last_hidden_state or mean pooler): embeddings (word + position + token type, LayerNorm), then post-norm
/// layers. Keys: embeddings.*, encoder.layer.N.*.
/// </summary>
public sealed class BertModel : Module
{
    public BertModel(BertConfig config)
    {
        config.Validate("bert");
        Config = config;
        Embeddings = Register("embeddings", new BertEmbeddings(config));
        Encoder = Register("encoder", new BertEncoder(config));
    }

    public BertConfig Config { get; }

    public BertEmbeddings Embeddings { get; }

    public BertEncoder Encoder { get; }

    /// <summary>
    /// Ids [B, L] and a 0/1 attention mask [B, L] → last hidden state [B, L, H]. Masked keys get −∞ before the
    /// softmax (Hugging Face adds float32's lowest value: the same probabilities while a row has a real token).
    /// </summary>
    public Tensor Forward(Tensor ids, Tensor attentionMask, Action<int, Tensor>? onLayer = null)
    {
        int b = ids.Size(0), l = ids.Size(1);
        var keep = attentionMask.ToArray();
        var biasData = new float[b * l];
        for (int i = 0; i < biasData.Length; i++) biasData[i] = keep[i] == 0f ? float.NegativeInfinity : 0f;
        var bias = Tensor.Wrap(biasData, b, 1, 1, l);                                     // [B, 1, 1, L]
        var x = Embeddings.Forward(ids);                                                   // [B, L, H]
        return Encoder.Forward(x, bias, onLayer);
    }
}

/// <summary>word_embeddings + position_embeddings (positions 0..L−1) + token_type_embeddings (type 0), then LayerNorm.</summary>
public sealed class BertEmbeddings : Module
{
    public BertEmbeddings(BertConfig c)
    {
        WordEmbeddings = Register("word_embeddings", new Embedding(c.VocabSize, c.HiddenSize, c.PadTokenId));
        PositionEmbeddings = Register("position_embeddings", new Embedding(c.MaxPositionEmbeddings, c.HiddenSize));
        TokenTypeEmbeddings = Register("token_type_embeddings", new Embedding(c.TypeVocabSize, c.HiddenSize));
        LayerNorm = Register("LayerNorm", new LayerNorm(c.HiddenSize, c.LayerNormEps));
    }

    public Embedding WordEmbeddings { get; }

    public Embedding PositionEmbeddings { get; }

    public Embedding TokenTypeEmbeddings { get; }

    public LayerNorm LayerNorm { get; }

    public Tensor Forward(Tensor ids)
    {
        int l = ids.Size(1);
        var x = WordEmbeddings.Forward(ids)                                                // [B, L, H]
            .Add(TokenTypeEmbeddings.Weight.Narrow(0, 0, 1))                               // type 0 for every token
            .Add(PositionEmbeddings.Weight.Narrow(0, 0, l));                               // [L, H]
        return LayerNorm.Forward(x);
    }
}

/// <summary>The layer stack (key layer.N).</summary>
public sealed class BertEncoder : Module
{
    public BertEncoder(BertConfig c)
    {
        Layer = Register("layer", new ModuleList<BertLayer>());
        for (int i = 0; i < c.NumHiddenLayers; i++) Layer.Add(new BertLayer(c));
    }

    public ModuleList<BertLayer> Layer { get; }

    public Tensor Forward(Tensor x, Tensor bias, Action<int, Tensor>? onLayer)
    {
        bool pooled = TensorScope.InferenceActive;
        for (int i = 0; i < Layer.Count; i++)
        {
            var layer = Layer[i];
            var input = x;
            // Under an inference scope each layer's temporaries go back to the pool as soon as it is done.
            x = pooled ? TensorScope.Run(() => layer.Forward(input, bias)) : layer.Forward(input, bias);
            onLayer?.Invoke(i, x);
        }
        return x;
    }
}

/// <summary>
/// A post-norm BERT layer: a = LayerNorm(x + dense(self_attention(x))), then LayerNorm(a + dense(gelu(dense(a)))).
/// Keys attention.self.{query,key,value}, attention.output.{dense,LayerNorm}, intermediate.dense, output.{dense,LayerNorm}.
/// </summary>
public sealed class BertLayer : Module
{
    public BertLayer(BertConfig c)
    {
        Attention = Register("attention", new BertAttention(c));
        Intermediate = Register("intermediate", new BertIntermediate(c));
        Output = Register("output", new BertOutput(c.IntermediateSize, c.HiddenSize, c.LayerNormEps));
    }

    public BertAttention Attention { get; }

    public BertIntermediate Intermediate { get; }

    public BertOutput Output { get; }

    public Tensor Forward(Tensor x, Tensor bias)
    {
        var a = Attention.Forward(x, bias);
        return Output.Forward(Intermediate.Forward(a), a);
    }
}

/// <summary>Keys self.* (BertSelfAttention) and output.* (BertSelfOutput).</summary>
public sealed class BertAttention : Module
{
    public BertAttention(BertConfig c)
    {
        Self = Register("self", new BertSelfAttention(c));
        Output = Register("output", new BertOutput(c.HiddenSize, c.HiddenSize, c.LayerNormEps));
    }

    public BertSelfAttention Self { get; }

    public BertOutput Output { get; }

    public Tensor Forward(Tensor x, Tensor bias) => Output.Forward(Self.Forward(x, bias), x);
}

/// <summary>query, key, value projections and scaled dot-product attention over heads with an additive key mask.</summary>
public sealed class BertSelfAttention : Module
{
    public BertSelfAttention(BertConfig c)
    {
        NumHeads = c.NumAttentionHeads;
        HeadDim = c.HiddenSize / c.NumAttentionHeads;
        Query = Register("query", new Linear(c.HiddenSize, c.HiddenSize));
        Key = Register("key", new Linear(c.HiddenSize, c.HiddenSize));
        Value = Register("value", new Linear(c.HiddenSize, c.HiddenSize));
    }

    public int NumHeads { get; }

    public int HeadDim { get; }

    public Linear Query { get; }

    public Linear Key { get; }

    public Linear Value { get; }

    public Tensor Forward(Tensor x, Tensor bias)
    {
        int b = x.Size(0), l = x.Size(1), h = x.Size(2);
        Tensor Heads(Linear proj) => proj.Forward(x).Reshape(b, l, NumHeads, HeadDim).Transpose(1, 2);  // [B, nH, L, Dh]
        var o = Attend.Sdpa(Heads(Query), Heads(Key), Heads(Value), bias);                          // [B, nH, L, Dh]
        return o.Transpose(1, 2).Reshape(b, l, h);                                                  // [B, L, H]
    }
}

/// <summary>dense → GELU (key dense).</summary>
public sealed class BertIntermediate : Module
{
    private readonly string approximate;

    public BertIntermediate(BertConfig c)
    {
        Dense = Register("dense", new Linear(c.HiddenSize, c.IntermediateSize));
        approximate = c.HiddenAct == "gelu" ? "none" : "tanh";
    }

    public Linear Dense { get; }

    public Tensor Forward(Tensor x) => Dense.ForwardGelu(x, approximate);
}

/// <summary>LayerNorm(residual + dense(x)): BertSelfOutput and BertOutput (keys dense, LayerNorm).</summary>
public sealed class BertOutput : Module
{
    public BertOutput(int inFeatures, int hidden, double eps)
    {
        Dense = Register("dense", new Linear(inFeatures, hidden));
        LayerNorm = Register("LayerNorm", new LayerNorm(hidden, eps));
    }

    public Linear Dense { get; }

    public LayerNorm LayerNorm { get; }

    public Tensor Forward(Tensor x, Tensor residual) => LayerNorm.Forward(Dense.Forward(x).Add(residual));
}
