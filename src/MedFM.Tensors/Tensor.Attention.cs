using MedFM.Tensors.Kernels;

namespace MedFM.Tensors;

/// <summary>
/// Fused scaled-dot-product attention: softmax(scale·q·kᵀ + bias)·v computed tile by tile with an online softmax
/// (Kernels/AttentionForward.cs), never holding the Lq × Lk score matrix; a recomputing backward
/// (Kernels/AttentionBackward.cs). <see cref="AttentionComposed"/> is the reference it is tested against.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// softmax(scale·q·kᵀ + bias)·v for q [..., Lq, E], k [..., Lk, E], v [..., Lk, Ev] (same leading dimensions).
    /// bias: float, broadcastable to [..., Lq, Lk] and added to the scaled scores (−∞ forbids a pair), or bool
    /// (true = may attend, as torch's attn_mask). scale defaults to 1/√E. causal: query i attends to keys
    /// j ≤ i + Lk − Lq (bottom-right aligned, as <see cref="AttentionComposed"/>). A query row with no allowed key
    /// gives NaN, as the composed softmax does. Gradients flow to q, k, v and a float bias.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor? bias = null, float? scale = null, bool causal = false)
    {
        const string op = "scaled_dot_product_attention";
        var dims = AttentionDims(op, q, k, v);
        if (bias is not null && bias.DType == DType.Bool) bias = Where(bias, Scalar(0f), Scalar(float.NegativeInfinity));
        bias?.RequireFloat(op);
        AttentionBias? source = null;
        if (bias is not null)
        {
            var full = dims.Batch.Concat(new[] { dims.Lq, dims.Lk }).ToArray();
            var b = ShapeUtil.Broadcast(bias.shape, full, op);
            if (!ShapeUtil.SameShape(b, full))
                throw new TensorShapeException(op, $"bias of shape {ShapeUtil.Format(bias.shape)} does not broadcast to the scores' shape {ShapeUtil.Format(full)}");
            source = DenseBias(bias.Detach(), full, dims.Heads);
        }
        var inputs = bias is null ? new[] { q, k, v } : new[] { q, k, v, bias };
        return AttentionCore(op, q, k, v, dims, scale, causal, source, inputs, bias is not null && bias.RequiresGrad, (gBias, _) =>
        {
            var shaped = Wrap(gBias!, dims.Batch.Concat(new[] { dims.Lq, dims.Lk }).ToArray());
            return new[] { shaped.SumTo(bias!.shape) };
        });
    }

    /// <summary>
    /// Attention with SAM's decomposed relative position bias added on the fly (segment-anything,
    /// segment_anything/modeling/image_encoder.py, add_decomposed_rel_pos): for q [..., qh·qw, E], k [..., kh·kw, E],
    /// v [..., kh·kw, Ev], relH [..., qh, qw, kh] and relW [..., qh, qw, kw] (leading dimensions as q's),
    /// scores[(y, x), (i, j)] = scale·q·kᵀ + relH[y, x, i] + relW[y, x, j]. Gradients flow to q, k, v, relH and relW.
    /// </summary>
    public static Tensor AttentionDecomposedRelPos(Tensor q, Tensor k, Tensor v, Tensor relH, Tensor relW, float? scale = null)
    {
        const string op = "attention_decomposed_rel_pos";
        var dims = AttentionDims(op, q, k, v);
        relH.RequireFloat(op);
        relW.RequireFloat(op);
        if (relH.Rank != dims.Batch.Length + 3 || relW.Rank != dims.Batch.Length + 3
            || !relH.Shape[..^3].SequenceEqual(dims.Batch) || !relW.Shape[..^3].SequenceEqual(dims.Batch)
            || !relH.Shape[^3..^1].SequenceEqual(relW.Shape[^3..^1]))
            throw new TensorShapeException(op, $"relH {ShapeUtil.Format(relH.shape)} and relW {ShapeUtil.Format(relW.shape)} must be [..., qh, qw, kh] and [..., qh, qw, kw] with the leading dimensions of q {ShapeUtil.Format(q.shape)}");
        int qh = relH.shape[^3], qw = relH.shape[^2], kh = relH.shape[^1], kw = relW.shape[^1];
        if (qh * qw != dims.Lq || kh * kw != dims.Lk)
            throw new TensorShapeException(op, $"qh·qw = {qh}·{qw} must equal Lq = {dims.Lq} and kh·kw = {kh}·{kw} must equal Lk = {dims.Lk}");
        var hc = relH.Detach().Contiguous();
        var wc = relW.Detach().Contiguous();
        var source = AttentionBias.RelPos(hc.FloatData, hc.Offset, wc.FloatData, wc.Offset, dims.Lq, kh, kw);
        bool wantBias = relH.RequiresGrad || relW.RequiresGrad;
        return AttentionCore(op, q, k, v, dims, scale, causal: false, source, new[] { q, k, v, relH, relW }, wantBias, (gH, gW) =>
            new[] { relH.RequiresGrad ? Wrap(gH!, relH.ShapeArray()) : null, relW.RequiresGrad ? Wrap(gW!, relW.ShapeArray()) : null });
    }

    /// <summary>The layout of a rank-4 [B, nH, L, E] operand whose rows are contiguous (E with stride 1).</summary>
    private static bool HeadRows(Tensor t, out AttentionLayout layout)
    {
        layout = default;
        if (t.Rank != 4 || (t.strides[3] != 1 && t.shape[3] > 1) || t.strides[2] < 0 || t.strides[1] < 0 || t.strides[0] < 0) return false;
        int rowStride = t.shape[2] > 1 ? t.strides[2] : t.shape[3];
        layout = new AttentionLayout(Math.Max(1, t.shape[1]), t.strides[0], t.strides[1], rowStride);
        return true;
    }

    private readonly record struct AttnDims(int[] Batch, int Heads, int Lq, int Lk, int E, int Ev);

    private static AttnDims AttentionDims(string op, Tensor q, Tensor k, Tensor v)
    {
        q.RequireFloat(op);
        k.RequireFloat(op);
        v.RequireFloat(op);
        if (q.Rank < 2 || k.Rank != q.Rank || v.Rank != q.Rank || !q.shape[..^2].SequenceEqual(k.shape[..^2])
            || !q.shape[..^2].SequenceEqual(v.shape[..^2]) || q.shape[^1] != k.shape[^1] || k.shape[^2] != v.shape[^2])
            throw new TensorShapeException(op, $"expects q [..., Lq, E], k [..., Lk, E], v [..., Lk, Ev] with equal leading dimensions, got {ShapeUtil.Format(q.shape)}, {ShapeUtil.Format(k.shape)}, {ShapeUtil.Format(v.shape)}");
        var batch = q.shape[..^2];
        return new AttnDims(batch, ShapeUtil.Numel(batch), q.shape[^2], k.shape[^2], q.shape[^1], v.shape[^1]);
    }

    /// <summary>The dense bias as a strided source: per-head base offsets, row and column strides (0 where broadcast).</summary>
    private static AttentionBias DenseBias(Tensor bias, int[] full, int heads)
    {
        var st = bias.BroadcastStrides(full);
        int batchRank = full.Length - 2;
        var offsets = new int[heads];
        for (int h = 0; h < heads; h++)
        {
            int rem = h, o = bias.Offset;
            for (int d = batchRank - 1; d >= 0; d--)
            {
                o += rem % full[d] * st[d];
                rem /= full[d];
            }
            offsets[h] = o;
        }
        return AttentionBias.Dense(bias.FloatData, offsets, st[^2], st[^1], full[^2]);
    }

    /// <summary>
    /// Fused attention and its recorded backward. Rank-4 [B, nH, L, E] operands are read in place (heads split off a
    /// projection's [B, L, nH·E] output are strided views: no copies, and none kept for the backward), and the output
    /// is laid out [B, Lq, nH, Ev] and returned as its [B, nH, Lq, Ev] view, so merging the heads back is free; other
    /// ranks use dense copies.
    /// </summary>
    private static Tensor AttentionCore(string op, Tensor q, Tensor k, Tensor v, AttnDims dims, float? scale, bool causal,
        AttentionBias? source, Tensor[] inputs, bool wantBiasGrad, Func<float[]?, float[]?, Tensor?[]> biasGrads)
    {
        var outShape = dims.Batch.Concat(new[] { dims.Lq, dims.Ev }).ToArray();
        if (dims.Lk == 0) return Zeros(outShape);
        AttentionLayout ql = default, kl = default, vl = default;
        bool strided = dims.Batch.Length == 2 && HeadRows(q, out ql) & HeadRows(k, out kl) & HeadRows(v, out vl);
        var qc = strided ? q.Detach() : q.Detach().Contiguous();
        var kc = strided ? k.Detach() : k.Detach().Contiguous();
        var vc = strided ? v.Detach() : v.Detach().Contiguous();
        int nh = strided ? dims.Batch[1] : 1;
        var args = new AttentionArgs
        {
            Heads = dims.Heads, Lq = dims.Lq, Lk = dims.Lk, E = dims.E, Ev = dims.Ev,
            Scale = scale ?? 1f / MathF.Sqrt(dims.E), Causal = causal, Bias = source,
            Q = qc.FloatData, QOffset = qc.Offset, K = kc.FloatData, KOffset = kc.Offset, V = vc.FloatData, VOffset = vc.Offset,
            QLayout = strided ? ql : null, KLayout = strided ? kl : null, VLayout = strided ? vl : null,
            OutLayout = strided ? new AttentionLayout(nh, (long)dims.Lq * nh * dims.Ev, dims.Ev, nh * dims.Ev) : null,
        };
        bool record = Autograd.GradMode.IsEnabled && inputs.Any(t => t.RequiresGrad);
        var y = strided ? new Tensor(new[] { dims.Batch[0], dims.Lq, nh, dims.Ev }) : new Tensor(outShape);
        var lse = record ? new float[dims.Heads * dims.Lq] : null;
        AttentionForward.Run(args, y.FloatData, y.Offset, lse);
        var result = strided ? y.Permute(0, 2, 1, 3) : y;
        if (!record) return result;
        return result.Record(op, inputs, g =>
        {
            var gc = g.Contiguous();
            var dq = new Tensor(q.ShapeArray());
            var dk = new Tensor(k.ShapeArray());
            var dv = new Tensor(v.ShapeArray());
            float[]? gb = null, gw = null;
            if (wantBiasGrad)
            {
                if (source!.IsRelPos)
                {
                    gb = new float[dims.Heads * dims.Lq * (dims.Lk / Math.Max(1, inputs[4].Size(-1)))];
                    gw = new float[dims.Heads * dims.Lq * inputs[4].Size(-1)];
                }
                else gb = new float[(long)dims.Heads * dims.Lq * dims.Lk];
            }
            AttentionBackward.Run(args, y.FloatData, y.Offset, lse!, gc.FloatData, gc.Offset,
                new AttentionBackward.Grads(dq.FloatData, dk.FloatData, dv.FloatData, gb, gw));
            var grads = new List<Tensor?> { q.RequiresGrad ? dq : null, k.RequiresGrad ? dk : null, v.RequiresGrad ? dv : null };
            if (inputs.Length > 3) grads.AddRange(wantBiasGrad ? biasGrads(gb, gw) : new Tensor?[inputs.Length - 3]);
            return grads.ToArray();
        });
    }
}
