using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Clip;

/// <summary>
/// open_clip's Hugging Face text tower (mlfoundations/open_clip, src/open_clip/hf_model.py, HFTextEncoder) over a
/// BERT encoder: attention mask = ids ≠ pad id, the transformer's last hidden state pooled at the first token
/// ([CLS], cls_last_hidden_state_pooler) or averaged over real tokens (mean_pooler), then the projection: "mlp" =
/// Linear(H, (H+E)/2, no bias) → GELU → Linear(·, E, no bias) (keys proj.0, proj.2), "linear" = one Linear without
/// bias (key proj), "none" when H = E. BiomedCLIP: PubMedBERT, first token, mlp 768 → 640 → 512.
/// </summary>
public sealed class HfTextEncoder : Module, IClipTextTower
{
    public HfTextEncoder(ClipTextConfig config, int outputDim)
    {
        var bert = config.Bert ?? throw new ModelConfigException($"hf text tower: '{config.HfModelName}' has no BERT architecture");
        Config = config;
        Transformer = Register("transformer", new BertModel(bert));
        int h = bert.HiddenSize;
        Proj = config.HfProjType switch
        {
            "mlp" => Register<Module<Tensor, Tensor>>("proj", new Sequential(new Linear(h, (h + outputDim) / 2, bias: false), new GELU(), new Linear((h + outputDim) / 2, outputDim, bias: false))),
            "linear" => Register<Module<Tensor, Tensor>>("proj", new Linear(h, outputDim, bias: false)),
            _ => h == outputDim ? null : throw new ModelConfigException($"hf text tower: no projection, but the width {h} differs from embed_dim {outputDim}"),
        };
        OutputDim = outputDim;
    }

    public ClipTextConfig Config { get; }

    public BertModel Transformer { get; }

    public Module<Tensor, Tensor>? Proj { get; }

    public int OutputDim { get; }

    public int ContextLength => Config.ContextLength;

    public int Width => Transformer.Config.HiddenSize;

    public Tensor Encode(Tensor ids) => Encode(ids, null);

    /// <summary>Ids [B, L] → [B, E]; onLayer sees each BERT layer's output [B, L, H].</summary>
    public Tensor Encode(Tensor ids, Action<int, Tensor>? onLayer)
    {
        var bert = Transformer.Config;
        ClipTextTransformer.CheckIds(ids, bert.VocabSize, Config.ContextLength, "hf_text");
        int b = ids.Size(0), l = ids.Size(1);
        var raw = ids.ToLongArray();
        var mask = new float[b * l];
        for (int i = 0; i < mask.Length; i++) mask[i] = raw[i] != bert.PadTokenId ? 1f : 0f;
        var maskT = Tensor.Wrap(mask, b, l);
        var hidden = Transformer.Forward(ids, maskT, onLayer);                             // [B, L, H]
        var pooled = Config.HfPoolerType == "mean_pooler"
            ? hidden.Mul(maskT.Unsqueeze(-1)).Sum(1).Div(maskT.Sum(1, keepDim: true))       // [B, H]
            : hidden.Select(1, 0);                                                          // [B, H]
        return Proj is null ? pooled : Proj.Forward(pooled);                                // [B, E]
    }
}
