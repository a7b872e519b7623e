namespace MedFM.Tensors;

/// <summary>
/// Softmax, log-softmax, layer norm, dropout and scaled-dot-product attention — written here as plain compositions
/// of primitive ops (the reference each fused kernel is tested against, in value and gradient).
/// </summary>
public sealed partial class Tensor
{
    /// <summary>softmax(x) along dim, computed as exp(x − max) / Σ exp(x − max).</summary>
    public Tensor SoftmaxComposed(int dim)
    {
        var shifted = Sub(Detach().Amax(new[] { dim }, keepDim: true));
        var e = shifted.Exp();
        return e.Div(e.Sum(dim, keepDim: true));
    }

    /// <summary>log softmax along dim: (x − max) − log Σ exp(x − max).</summary>
    public Tensor LogSoftmaxComposed(int dim)
    {
        var shifted = Sub(Detach().Amax(new[] { dim }, keepDim: true));
        return shifted.Sub(shifted.Exp().Sum(dim, keepDim: true).Log());
    }

    /// <summary>Layer norm over the trailing dimensions (biased variance, as torch.nn.functional.layer_norm).</summary>
    public static Tensor LayerNormComposed(Tensor x, int normalizedDims, Tensor? weight, Tensor? bias, float eps)
    {
        var dims = new int[normalizedDims];
        for (int i = 0; i < normalizedDims; i++) dims[i] = x.Rank - normalizedDims + i;
        var mean = x.Mean(dims, keepDim: true);
        var centered = x.Sub(mean);
        var variance = centered.Square().Mean(dims, keepDim: true);
        var y = centered.Div(variance.Add(eps).Sqrt());
        if (weight is not null) y = y.Mul(weight);
        if (bias is not null) y = y.Add(bias);
        return y;
    }

    /// <summary>
    /// softmax(q kᵀ · scale + bias) v for q [..., Lq, E], k [..., Lk, E], v [..., Lk, Ev]; bias broadcasts to
    /// [..., Lq, Lk] (a boolean mask is not accepted here: give −inf where attention is forbidden). Scale defaults to 1/√E.
    /// </summary>
    public static Tensor AttentionComposed(Tensor q, Tensor k, Tensor v, Tensor? bias = null, float? scale = null, bool causal = false)
    {
        float s = scale ?? 1f / MathF.Sqrt(q.Size(-1));
        var scores = q.Mul(s).Matmul(k.Transpose(-2, -1));
        if (bias is not null) scores = scores.Add(bias);
        if (causal)
        {
            int lq = q.Size(-2), lk = k.Size(-2);
            var mask = Arange(lk).Unsqueeze(0).Gt(Arange(lq).Unsqueeze(1).Add(lk - lq));
            scores = scores.MaskedFill(mask, float.NegativeInfinity);
        }
        return scores.SoftmaxComposed(-1).Matmul(v);
    }
}
