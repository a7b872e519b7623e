using MedFM.Models.Common;
using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Sam;

/// <summary>
/// Multi-head attention with decomposed relative position embeddings (image_encoder.py, Attention and
/// add_decomposed_rel_pos, after MViTv2): bias[(qh,qw), (kh,kw)] = ⟨q, Rh[qh,kh]⟩ + ⟨q, Rw[qw,kw]⟩, handed to the
/// attention kernel as its two factors so the (HW)² score matrix of global blocks is never held whole.
/// </summary>
public sealed class SamAttention : Module<Tensor, Tensor>
{
    public SamAttention(int dim, int numHeads, int inputSize)
    {
        NumHeads = numHeads;
        HeadDim = dim / numHeads;
        Qkv = Register("qkv", new Linear(dim, dim * 3));
        Proj = Register("proj", new Linear(dim, dim));
        RelPosH = RegisterParameter("rel_pos_h", Tensor.Zeros(2 * inputSize - 1, HeadDim));
        RelPosW = RegisterParameter("rel_pos_w", Tensor.Zeros(2 * inputSize - 1, HeadDim));
    }

    public int NumHeads { get; }

    public int HeadDim { get; }

    public Linear Qkv { get; }

    public Linear Proj { get; }

    public Tensor RelPosH { get; }

    public Tensor RelPosW { get; }

    /// <summary>x [B, H, W, C] → [B, H, W, C].</summary>
    public override Tensor Forward(Tensor x)
    {
        int b = x.Size(0), h = x.Size(1), w = x.Size(2), c = x.Size(3);
        var qkv = Qkv.Forward(x).Reshape(b, h * w, 3, NumHeads, HeadDim).Permute(2, 0, 3, 1, 4);  // [3, B, nH, HW, Dh]
        var q = qkv.Select(0, 0);                                                                 // [B, nH, HW, Dh]
        var k = qkv.Select(0, 1);
        var v = qkv.Select(0, 2);
        var (relH, relW) = RelPos.Decomposed(q.Reshape(b * NumHeads, h, w, HeadDim), RelPosH, RelPosW, h, w, h, w);
        var o = Attend.SdpaDecomposedRelPos(q, k, v,
            relH.Reshape(b, NumHeads, h, w, h), relW.Reshape(b, NumHeads, h, w, w));              // [B, nH, HW, Dh]
        return Proj.Forward(o.Reshape(b, NumHeads, h, w, HeadDim).Permute(0, 2, 3, 1, 4).Reshape(b, h, w, c));  // [B, H, W, C]
    }
}
