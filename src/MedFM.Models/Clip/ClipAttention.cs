using MedFM.Models.Common;
using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Clip;

/// <summary>
/// torch.nn.MultiheadAttention as open_clip's ResidualAttentionBlock uses it for self-attention, batch first
/// (pytorch torch/nn/modules/activation.py, MultiheadAttention; keys in_proj_weight [3D, D], in_proj_bias [3D],
/// out_proj.weight, out_proj.bias): q, k, v from one packed projection, scaled dot-product attention per head
/// with an optional causal mask, output projection.
/// </summary>
public sealed class ClipAttention : Module
{
    public ClipAttention(int dim, int numHeads)
    {
        if (numHeads <= 0 || dim % numHeads != 0)
            throw new ModelConfigException($"attention: width {dim} must be a multiple of the head count {numHeads}");
        NumHeads = numHeads;
        HeadDim = dim / numHeads;
        float bound = MathF.Sqrt(6f / (dim + 3 * dim));     // xavier_uniform, as MultiheadAttention initialises
        InProjWeight = RegisterParameter("in_proj_weight", Tensor.Rand(null, new[] { 3 * dim, dim }, -bound, bound));
        InProjBias = RegisterParameter("in_proj_bias", Tensor.Zeros(3 * dim));
        OutProj = Register("out_proj", new Linear(dim, dim));
    }

    public int NumHeads { get; }

    public int HeadDim { get; }

    public Tensor InProjWeight { get; }

    public Tensor InProjBias { get; }

    public Linear OutProj { get; }

    /// <summary>in_proj_weight packed for inference (<see cref="Module.PrepackForInference"/>), or null.</summary>
    public LinearWeightPack? InProjPack { get; private set; }

    /// <summary>x [B, L, D] → [B, L, D]; causal: position i attends to positions ≤ i (CLIP's text mask).</summary>
    public Tensor Forward(Tensor x, bool causal)
    {
        int b = x.Size(0), l = x.Size(1), d = x.Size(2);
        var qkv = Tensor.Linear(x, InProjWeight, InProjBias, InProjPack).Reshape(b, l, 3, NumHeads, HeadDim).Permute(2, 0, 3, 1, 4);  // [3, B, H, L, Dh]
        var o = Attend.Sdpa(qkv.Select(0, 0), qkv.Select(0, 1), qkv.Select(0, 2), causal: causal);                       // [B, H, L, Dh]
        return OutProj.Forward(o.Transpose(1, 2).Reshape(b, l, d));                                                      // [B, L, D]
    }

    /// <summary>The packed projection is a raw parameter, not a Linear module: packed here.</summary>
    protected override long PrepackSelf(bool pack, bool releaseWeights)
    {
        InProjPack = WeightPack(InProjPack, InProjWeight, pack, releaseWeights);
        return InProjPack?.Bytes ?? 0;
    }
}
