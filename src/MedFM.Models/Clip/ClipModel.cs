using MedFM.Models.Clip.Tokenizers;
using MedFM.NN;
using MedFM.Tensors;

namespace MedFM.Models.Clip;

/// <summary>
/// A contrastive image–text model (mlfoundations/open_clip, src/open_clip/model.py, CLIP and CustomTextCLIP):
/// an image tower under "visual." (OpenAI-style ViT or timm ViT + projection), a text tower, and logit_scale.
/// With the CLIP transformer as text tower the text parts sit at the root as in OpenAI's checkpoints
/// (token_embedding, positional_embedding, transformer, ln_final, text_projection); a Hugging Face text tower,
/// or a config with custom_text, keeps them under "text." (BiomedCLIP).
/// </summary>
public sealed class ClipModel : Module
{
    public ClipModel(ClipConfig config)
    {
        config.Validate();
        Config = config;
        int e = config.EmbedDim;
        Visual = Register<ClipImageTower>("visual", config.Vision.TimmModelName is null
            ? new ClipVisionTransformer(config.Vision, e, config.QuickGelu)
            : new TimmVisionTower(config.Vision, e));
        if (config.UsesCustomTextKeys)
        {
            var text = config.Text.IsHf ? (Module)new HfTextEncoder(config.Text, e) : new ClipTextTransformer(config.Text, e, config.QuickGelu);
            Text = (IClipTextTower)Register("text", text);
        }
        else
        {
            // open_clip's CLIP takes the tower's parts as its own attributes: their keys have no "text." prefix.
            var text = new ClipTextTransformer(config.Text, e, config.QuickGelu);
            RegisterParameter("positional_embedding", text.PositionalEmbedding);
            if (text.TextProjection is not null) RegisterParameter("text_projection", text.TextProjection);
            Register("transformer", text.Transformer);
            Register("token_embedding", text.TokenEmbedding);
            Register("ln_final", text.LnFinal);
            if (text.TextProjectionLinear is not null) Register("text_projection", text.TextProjectionLinear);
            Text = text;
        }
        LogitScale = RegisterParameter("logit_scale", Tensor.Full(MathF.Log(1f / 0.07f)));   // 0-D, as open_clip
    }

    public ClipConfig Config { get; }

    public ClipImageTower Visual { get; }

    public IClipTextTower Text { get; }

    /// <summary>log of the softmax temperature's inverse; logits = exp(logit_scale) · cosine.</summary>
    public Tensor LogitScale { get; }

    public int EmbedDim => Config.EmbedDim;

    /// <summary>Normalised images [B, 3, S, S] → embeddings [B, E], L2-normalised when asked.</summary>
    public Tensor EncodeImage(Tensor images, bool normalize = false)
    {
        var x = Visual.Encode(images);
        return normalize ? L2Normalize(x) : x;
    }

    /// <summary>Token ids [B, L] (int64) → embeddings [B, E], L2-normalised when asked.</summary>
    public Tensor EncodeText(Tensor ids, bool normalize = false)
    {
        var x = Text.Encode(ids);
        return normalize ? L2Normalize(x) : x;
    }

    /// <summary>A tokenizer's batch → embeddings [Count, E].</summary>
    public Tensor EncodeText(TokenBatch batch, bool normalize = false) =>
        EncodeText(Tensor.FromLongs(batch.Ids, batch.Count, batch.ContextLength), normalize);

    /// <summary>exp(logit_scale) · image · textᵀ for normalised embeddings: [B_img, B_txt].</summary>
    public Tensor Logits(Tensor imageEmbeddings, Tensor textEmbeddings) =>
        imageEmbeddings.Matmul(textEmbeddings.Transpose(0, 1)).Mul(MathF.Exp(LogitScale.Item()));

    /// <summary>F.normalize(x, dim=-1): x / max(‖x‖₂, 1e-12).</summary>
    public static Tensor L2Normalize(Tensor x) => x.Div(x.Square().Sum(-1, keepDim: true).Sqrt().Clamp(min: 1e-12f));
}
