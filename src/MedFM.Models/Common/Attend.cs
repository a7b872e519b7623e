using MedFM.Tensors;

namespace MedFM.Models.Common;

/// <summary>The attention calls every model goes through, so the kernel behind them is chosen in one place.</summary>
internal static class Attend
{
    /// <summary>softmax(q kᵀ · scale + bias) v over [..., L, d] inputs (scale 1/√d by default), fused and streaming.</summary>
    public static Tensor Sdpa(Tensor q, Tensor k, Tensor v, Tensor? bias = null, float? scale = null, bool causal = false) =>
        Tensor.ScaledDotProductAttention(q, k, v, bias, scale, causal);

    /// <summary>
    /// Attention with SAM's decomposed relative-position bias: q, k, v [B, nH, L, d] with L = qh·qw queries over a
    /// kh×kw key grid, relH [B, nH, qh, qw, kh], relW [B, nH, qh, qw, kw]; bias[(y,x), (ky,kx)] = relH[y,x,ky] +
    /// relW[y,x,kx], added inside the streaming kernel so no L × L bias or score matrix is ever held.
    /// </summary>
    public static Tensor SdpaDecomposedRelPos(Tensor q, Tensor k, Tensor v, Tensor relH, Tensor relW) =>
        Tensor.AttentionDecomposedRelPos(q, k, v, relH, relW);
}
