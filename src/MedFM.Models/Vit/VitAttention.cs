using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Models.Common;
using MedFM.Tensors;

namespace MedFM.Models.Vit;

/// <summary>Multi-head self-attention with a fused qkv projection (timm/layers/attention.py, Attention; keys qkv, proj).</summary>
public sealed class VitAttention : Module<Tensor, Tensor>
{
    public VitAttention(int dim, int numHeads, bool qkvBias)
    {
        NumHeads = numHeads;
        HeadDim = dim / numHeads;
        Qkv = Register("qkv", new Linear(dim, dim * 3, qkvBias));
        Proj = Register("proj", new Linear(dim, dim));
    }

    public int NumHeads { get; }

    public int HeadDim { get; }

    public Linear Qkv { get; }

    public Linear Proj { get; }

    public override Tensor Forward(Tensor x)
    {
        int b = x.Size(0), n = x.Size(1), c = x.Size(2);
        var qkv = Qkv.Forward(x).Reshape(b, n, 3, NumHeads, HeadDim).Permute(2, 0, 3, 1, 4);  // [3, B, H, N, Dh]
        var q = qkv.Select(0, 0);
        var k = qkv.Select(0, 1);
        var v = qkv.Select(0, 2);
        var o = Attend.Sdpa(q, k, v);                                                          // [B, H, N, Dh]
        return Proj.Forward(o.Transpose(1, 2).Reshape(b, n, c));                               // [B, N, C]
    }
}
