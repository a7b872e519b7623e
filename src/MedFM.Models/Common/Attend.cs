using MedFM.Tensors;

namespace MedFM.Models.Common;

/// <summary>The attention calls every model goes through, so the kernel behind them is chosen in one place.</summary>
internal static class Attend
{
    /// <summary>softmax(q kᵀ · scale + bias) v over [..., L, d] inputs (scale 1/√d by default).</summary>
    public static Tensor Sdpa(Tensor q, Tensor k, Tensor v, Tensor? bias = null, float? scale = null, bool causal = false) =>
        Tensor.AttentionComposed(q, k, v, bias, scale, causal);

    /// <summary>
    /// Attention with SAM's decomposed relative-position bias: q, k, v [B, nH, L, d] over a kh×kw key grid,
    /// relH [B, nH, L, kh], relW [B, nH, L, kw]; bias[l, (y,x)] = relH[l, y] + relW[l, x].
    /// </summary>
    public static Tensor SdpaDecomposedRelPos(Tensor q, Tensor k, Tensor v, Tensor relH, Tensor relW)
    {
        int kh = relH.Size(-1), kw = relW.Size(-1);
        var lead = relH.ShapeArray()[..^1];
        var bias = relH.Unsqueeze(-1).Add(relW.Unsqueeze(-2)).Reshape(lead.Append(kh * kw).ToArray());  // [B, nH, L, kh·kw]
        return Tensor.AttentionComposed(q, k, v, bias);
    }
}
