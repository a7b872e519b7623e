using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;
using MedFM.Tensors.Memory;

namespace MedFM.Models.Clip;

/// <summary>
/// open_clip's pre-norm transformer block (mlfoundations/open_clip, src/open_clip/transformer.py,
/// ResidualAttentionBlock; the same as OpenAI CLIP's clip/model.py): x + attn(ln_1(x)), then x + mlp(ln_2(x)) with
/// mlp = c_fc → GELU (or QuickGELU) → c_proj.
/// </summary>
public sealed class ResidualAttentionBlock : Module
{
    public ResidualAttentionBlock(int width, int heads, double mlpRatio, bool quickGelu)
    {
        Ln1 = Register("ln_1", new LayerNorm(width));
        Attn = Register("attn", new ClipAttention(width, heads));
        Ln2 = Register("ln_2", new LayerNorm(width));
        Mlp = Register("mlp", new ClipMlp(width, (int)(width * mlpRatio), quickGelu));
    }

    public LayerNorm Ln1 { get; }

    public ClipAttention Attn { get; }

    public LayerNorm Ln2 { get; }

    public ClipMlp Mlp { get; }

    public Tensor Forward(Tensor x, bool causal)
    {
        x = x.Add(Attn.Forward(Ln1.Forward(x), causal));
        return x.Add(Mlp.Forward(Ln2.Forward(x)));
    }
}

/// <summary>c_fc → GELU or QuickGELU (x·σ(1.702x)) → c_proj (keys mlp.c_fc, mlp.c_proj; the activation has none).</summary>
public sealed class ClipMlp : Module<Tensor, Tensor>
{
    public ClipMlp(int width, int hidden, bool quickGelu)
    {
        CFc = Register("c_fc", new Linear(width, hidden));
        CProj = Register("c_proj", new Linear(hidden, width));
        QuickGelu = quickGelu;
    }

    public Linear CFc { get; }

    public Linear CProj { get; }

    public bool QuickGelu { get; }

    public override Tensor Forward(Tensor x)
    {
        if (!QuickGelu) return CProj.Forward(CFc.ForwardGelu(x));
        var h = CFc.Forward(x);
        return CProj.Forward(h.Mul(h.Mul(1.702f).Sigmoid()));
    }
}

/// <summary>The block stack (open_clip transformer.py, Transformer; keys resblocks.N.*).</summary>
public sealed class ClipTransformer : Module
{
    public ClipTransformer(int width, int layers, int heads, double mlpRatio, bool quickGelu)
    {
        Width = width;
        Resblocks = Register("resblocks", new ModuleList<ResidualAttentionBlock>());
        for (int i = 0; i < layers; i++) Resblocks.Add(new ResidualAttentionBlock(width, heads, mlpRatio, quickGelu));
    }

    public int Width { get; }

    public ModuleList<ResidualAttentionBlock> Resblocks { get; }

    /// <summary>x [B, L, D] through every block; onBlock sees each block's output (for parity checks).</summary>
    public Tensor Forward(Tensor x, bool causal, Action<int, Tensor>? onBlock = null)
    {
        bool pooled = TensorScope.InferenceActive;
        for (int i = 0; i < Resblocks.Count; i++)
        {
            var block = Resblocks[i];
            var input = x;
            // Under an inference scope each block's temporaries go back to the pool as soon as it is done.
            x = pooled ? TensorScope.Run(() => block.Forward(input, causal)) : block.Forward(input, causal);
            onBlock?.Invoke(i, x);
        }
        return x;
    }
}
