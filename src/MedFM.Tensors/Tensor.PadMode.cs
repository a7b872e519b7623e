using MedFM.Tensors.Kernels;

namespace MedFM.Tensors;

/// <summary>
/// torch.nn.functional.pad with the non-constant modes "reflect" (mirror without repeating the edge),
/// "replicate" (repeat the edge) and "circular" (wrap around); "constant" forwards to <see cref="Pad"/>.
/// Each padded axis is a gather table (<see cref="InterpolateTaps"/> with one tap of weight 1), so the gradient
/// is the transposed table: every output's gradient flows back to the input element it copied.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>
    /// Pads (before, after) pairs starting from the LAST dimension, as torch.nn.functional.pad. Negative amounts
    /// crop. Reflect needs every pad smaller than its dimension, circular at most its dimension.
    /// </summary>
    public Tensor PadMode(int[] pads, string mode, float value = 0f)
    {
        const string op = "pad";
        if (mode == "constant") return Pad(pads, value);
        if (mode is not ("reflect" or "replicate" or "circular"))
            throw new TensorException(op, $"unknown padding mode '{mode}'; expected constant, reflect, replicate or circular");
        RequireFloat(op);
        if (pads.Length % 2 != 0 || pads.Length / 2 > Rank)
            throw new TensorShapeException(op, $"{pads.Length} pad values for a tensor of rank {Rank}: give (before, after) pairs for up to {Rank} trailing dimensions");
        int k = pads.Length / 2;
        var taps = new InterpolateTaps[k];
        for (int i = 0; i < k; i++)
        {
            int axis = Rank - 1 - i;
            taps[i] = PadTaps(op, mode, shape[axis], pads[2 * i], pads[2 * i + 1], axis);
        }
        var cur = Detach().Contiguous();
        for (int i = 0; i < k; i++) cur = ResamplePass(cur, Rank - 1 - i, taps[i]);
        var y = ReferenceEquals(cur.Storage, Storage) ? cur.Clone() : cur;
        int rank = Rank;
        return y.Record(op, new[] { this }, g =>
        {
            var gc = g.Contiguous();
            for (int i = k - 1; i >= 0; i--) gc = ResamplePass(gc, rank - 1 - i, taps[i].Transpose());
            return new Tensor?[] { ReferenceEquals(gc.Storage, g.Storage) ? gc.Clone() : gc };
        });
    }

    /// <summary>The gather table of one padded axis: output i copies input coordinate i − before, folded by the mode.</summary>
    private static InterpolateTaps PadTaps(string op, string mode, int n, int before, int after, int axis)
    {
        int outSize = n + before + after;
        if (outSize <= 0 || n == 0)
            throw new TensorShapeException(op, $"padding ({before}, {after}) leaves nothing of dimension {axis} of size {n}");
        if (mode == "reflect" && (before >= n || after >= n))
            throw new TensorShapeException(op, $"reflect padding ({before}, {after}) must be smaller than dimension {axis} of size {n}");
        if (mode == "circular" && (before > n || after > n))
            throw new TensorShapeException(op, $"circular padding ({before}, {after}) must not exceed dimension {axis} of size {n}");
        var t = new InterpolateTaps(n, outSize, 1);
        for (int i = 0; i < outSize; i++)
        {
            int j = i - before;
            int src = mode switch
            {
                "reflect" => j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j,
                "replicate" => Math.Clamp(j, 0, n - 1),
                _ => ((j % n) + n) % n,
            };
            t.Add(i, src, 1f);
        }
        return t;
    }
}
