using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Clip;

/// <summary>
/// The OpenAI-CLIP image tower (mlfoundations/open_clip, src/open_clip/transformer.py, VisionTransformer; openai/CLIP
/// clip/model.py, VisionTransformer): conv1 patch embedding without bias, class_embedding, learned
/// positional_embedding, ln_pre, the block stack, ln_post on the class token, then the projection matrix proj.
/// </summary>
public sealed class ClipVisionTransformer : ClipImageTower
{
    public ClipVisionTransformer(ClipVisionConfig config, int outputDim, bool quickGelu)
    {
        Config = config;
        int w = config.Width, grid = config.ImageSize / config.PatchSize;
        float scale = 1f / MathF.Sqrt(w);
        Grid = grid;
        ClassEmbedding = RegisterParameter("class_embedding", Tensor.Randn(null, new[] { w }, 0f, scale));
        PositionalEmbedding = RegisterParameter("positional_embedding", Tensor.Randn(null, new[] { grid * grid + 1, w }, 0f, scale));
        Proj = RegisterParameter("proj", Tensor.Randn(null, new[] { w, outputDim }, 0f, scale));
        Conv1 = Register("conv1", new Conv2d(3, w, config.PatchSize, stride: config.PatchSize, bias: false));
        LnPre = Register("ln_pre", new LayerNorm(w));
        Transformer = Register("transformer", new ClipTransformer(w, config.Layers, config.Heads, config.MlpRatio, quickGelu));
        LnPost = Register("ln_post", new LayerNorm(w));
    }

    public ClipVisionConfig Config { get; }

    public int Grid { get; }

    public Tensor ClassEmbedding { get; }

    public Tensor PositionalEmbedding { get; }

    public Tensor Proj { get; }

    public Conv2d Conv1 { get; }

    public LayerNorm LnPre { get; }

    public ClipTransformer Transformer { get; }

    public LayerNorm LnPost { get; }

    public override int OutputDim => Proj.Size(1);

    public override int ImageSize => Config.ImageSize;

    public override Tensor Encode(Tensor images) => Encode(images, null);

    /// <summary>Images [B, 3, S, S] → [B, OutputDim]; onBlock sees each block's tokens [B, 1 + g², W].</summary>
    public Tensor Encode(Tensor images, Action<int, Tensor>? onBlock)
    {
        int s = Config.ImageSize;
        if (images.Rank != 4 || images.Size(1) != 3 || images.Size(2) != s || images.Size(3) != s)
            throw new TensorShapeException("clip_visual", $"expects images [B, 3, {s}, {s}], got {ShapeUtil.Format(images.Shape)}");
        int b = images.Size(0), w = Config.Width;
        var x = Conv1.Forward(images).Reshape(b, w, Grid * Grid).Permute(0, 2, 1);     // [B, g², W]
        var cls = ClassEmbedding.Reshape(1, 1, w).Expand(b, 1, w);                       // [B, 1, W]
        x = Tensor.Cat(new[] { cls, x }, 1).Add(PositionalEmbedding);                     // [B, 1 + g², W]
        x = Transformer.Forward(LnPre.Forward(x), causal: false, onBlock);
        var pooled = LnPost.Forward(x.Select(1, 0));                                     // [B, W]
        return pooled.Matmul(Proj);                                                      // [B, E]
    }
}
