using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;
using MedFM.Tensors.Memory;

namespace MedFM.Models.Sam;

/// <summary>
/// SAM's image encoder (segment_anything/modeling/image_encoder.py, ImageEncoderViT): 16-px patch embedding,
/// absolute position embedding on the 64×64 grid, blocks with 14×14 windowed attention except the global ones,
/// decomposed relative position bias, and a conv neck to 256 channels with LayerNorm2d.
/// </summary>
public sealed class ImageEncoderViT : Module<Tensor, Tensor>
{
    public ImageEncoderViT(SamConfig c)
    {
        Config = c;
        int grid = c.EmbeddingSize;
        PatchEmbed = Register("patch_embed", new SamPatchEmbed(c.PatchSize, 3, c.EncoderEmbedDim));
        PosEmbed = RegisterParameter("pos_embed", Tensor.Zeros(1, grid, grid, c.EncoderEmbedDim));
        Blocks = Register("blocks", new ModuleList<SamBlock>());
        for (int i = 0; i < c.EncoderDepth; i++)
        {
            int window = Array.IndexOf(c.GlobalAttnIndexes, i) >= 0 ? 0 : c.WindowSize;
            Blocks.Add(new SamBlock(c.EncoderEmbedDim, c.EncoderNumHeads, c.MlpRatio, window, grid));
        }
        Neck = Register("neck", new Sequential(
            new Conv2d(c.EncoderEmbedDim, c.PromptEmbedDim, 1, bias: false),
            new LayerNorm2d(c.PromptEmbedDim),
            new Conv2d(c.PromptEmbedDim, c.PromptEmbedDim, 3, padding: 1, bias: false),
            new LayerNorm2d(c.PromptEmbedDim)));
    }

    public SamConfig Config { get; }

    public SamPatchEmbed PatchEmbed { get; }

    public Tensor PosEmbed { get; }

    public ModuleList<SamBlock> Blocks { get; }

    public Sequential Neck { get; }

    /// <summary>Preprocessed images [B, 3, 1024, 1024] → embeddings [B, 256, 64, 64].</summary>
    public override Tensor Forward(Tensor x) => Forward(x, null);

    /// <summary>As Forward, reporting each block's output [B, 64, 64, C] (for parity tests).</summary>
    public Tensor Forward(Tensor x, Action<int, Tensor>? onBlock)
    {
        x = PatchEmbed.Forward(x).Add(PosEmbed);                  // [B, 64, 64, C]
        bool pooled = TensorScope.Current is not null;
        for (int i = 0; i < Blocks.Count; i++)
        {
            var block = Blocks[i];
            var input = x;
            // Under an inference scope each block's temporaries go back to the pool as soon as it is done.
            x = pooled ? TensorScope.Run(() => block.Forward(input)) : block.Forward(input);
            onBlock?.Invoke(i, x);
        }
        return Neck.Forward(x.Permute(0, 3, 1, 2));                 // [B, 256, 64, 64]
    }
}

/// <summary>Patch embedding producing NHWC tokens (image_encoder.py, PatchEmbed; key "proj").</summary>
public sealed class SamPatchEmbed : Module<Tensor, Tensor>
{
    public SamPatchEmbed(int patch, int inChans, int dim)
    {
        Proj = Register("proj", new Conv2d(inChans, dim, patch, stride: patch));
    }

    public Conv2d Proj { get; }

    public override Tensor Forward(Tensor x) => Proj.Forward(x).Permute(0, 2, 3, 1);  // [B, H/16, W/16, C]
}
