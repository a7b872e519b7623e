using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Vit;

/// <summary>
/// Pre-norm transformer block (timm/models/vision_transformer.py, Block): x + ls1(attn(norm1(x))), then
/// x + ls2(mlp(norm2(x))); LayerScale and drop-path are identities (no keys) when disabled.
/// </summary>
public sealed class VitBlock : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> ls1, ls2, dropPath1, dropPath2;

    public VitBlock(VitConfig c, double dropPath)
    {
        Norm1 = Register("norm1", new LayerNorm(c.EmbedDim, c.NormEps));
        Attn = Register("attn", new VitAttention(c.EmbedDim, c.NumHeads, c.QkvBias));
        ls1 = Register<Module<Tensor, Tensor>>("ls1", c.InitValues is { } iv ? new LayerScale(c.EmbedDim, iv) : new Identity());
        dropPath1 = Register<Module<Tensor, Tensor>>("drop_path1", dropPath > 0 ? new DropPath(dropPath) : new Identity());
        Norm2 = Register("norm2", new LayerNorm(c.EmbedDim, c.NormEps));
        Mlp = Register("mlp", new Mlp(c.EmbedDim, (int)(c.EmbedDim * c.MlpRatio)));
        ls2 = Register<Module<Tensor, Tensor>>("ls2", c.InitValues is { } iv2 ? new LayerScale(c.EmbedDim, iv2) : new Identity());
        dropPath2 = Register<Module<Tensor, Tensor>>("drop_path2", dropPath > 0 ? new DropPath(dropPath) : new Identity());
    }

    public LayerNorm Norm1 { get; }

    public VitAttention Attn { get; }

    public LayerNorm Norm2 { get; }

    public Mlp Mlp { get; }

    public override Tensor Forward(Tensor x)
    {
        x = x.Add(dropPath1.Forward(ls1.Forward(Attn.Forward(Norm1.Forward(x)))));
        return x.Add(dropPath2.Forward(ls2.Forward(Mlp.Forward(Norm2.Forward(x)))));
    }
}
