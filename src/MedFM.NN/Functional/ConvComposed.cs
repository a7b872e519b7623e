using MedFM.Tensors;

namespace MedFM.NN;

/// <summary>
/// Convolutions written as compositions of engine ops (strided slices → stacked columns → batched matmul), with
/// autograd for free. TEMPORARY stand-in until the fused Tensor.Conv2d/Conv3d/ConvTranspose2d ops land; kept
/// afterwards as the composed reference the fused kernels are checked against.
/// </summary>
internal static class ConvComposed
{
    /// <summary>N-d convolution of x [N, C, spatial...] with weight [O, C/groups, k...].</summary>
    public static Tensor Conv(Tensor x, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] dilation, int groups, string op)
    {
        int nd = stride.Length;
        var (n, c, o, k) = CheckConv(x, weight, bias, groups, nd, op);
        var outSize = new int[nd];
        for (int i = 0; i < nd; i++)
        {
            if (stride[i] < 1 || dilation[i] < 1 || padding[i] < 0)
                throw new TensorException(op, $"stride and dilation must be ≥ 1 and padding ≥ 0, got stride {ShapeUtil.Format(stride)}, padding {ShapeUtil.Format(padding)}, dilation {ShapeUtil.Format(dilation)}");
            int span = dilation[i] * (k[i] - 1) + 1;
            int padded = x.Size(2 + i) + 2 * padding[i];
            if (padded < span)
                throw new TensorShapeException(op, $"input {ShapeUtil.Format(x.Shape)} with padding {ShapeUtil.Format(padding)} is smaller than the dilated kernel ({span}) in spatial dimension {i}");
            outSize[i] = (padded - span) / stride[i] + 1;
        }
        var xp = padding.Any(p => p != 0) ? x.Pad(PadPairs(padding, padding)) : x;
        int kTotal = 1, lTotal = 1;
        foreach (var v in k) kTotal *= v;
        foreach (var v in outSize) lTotal *= v;
        var cols = new Tensor[kTotal];
        var offs = new int[nd];
        for (int t = 0; t < kTotal; t++)
        {
            var v = xp;
            for (int i = 0; i < nd; i++)
            {
                int start = offs[i] * dilation[i];
                v = v.Slice(2 + i, start, start + (outSize[i] - 1) * stride[i] + 1, stride[i]);
            }
            cols[t] = v; // [N, C, out...]
            for (int i = nd - 1; i >= 0; i--) { if (++offs[i] < k[i]) break; offs[i] = 0; }
        }
        var stacked = kTotal == 1 ? cols[0].Unsqueeze(2) : Tensor.Stack(cols, 2);  // [N, C, K, out...]
        var colMat = stacked.Reshape(n, groups, c / groups * kTotal, lTotal);     // [N, G, C/G·K, L]
        var wMat = weight.Reshape(groups, o / groups, c / groups * kTotal);       // [G, O/G, C/G·K]
        var y = wMat.Matmul(colMat);                                              // [N, G, O/G, L]
        var yShape = new int[nd + 2];
        yShape[0] = n;
        yShape[1] = o;
        for (int i = 0; i < nd; i++) yShape[2 + i] = outSize[i];
        y = y.Reshape(yShape);                                                     // [N, O, out...]
        return bias is null ? y : y.Add(bias.Reshape(ChannelShape(o, nd)));
    }

    /// <summary>Transposed convolution of x [N, Cin, spatial...] with weight [Cin, Cout/groups, k...].</summary>
    public static Tensor ConvTranspose(Tensor x, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] outputPadding,
        int groups, int[] dilation, string op)
    {
        int nd = stride.Length;
        if (x.Rank != nd + 2 || weight.Rank != nd + 2)
            throw new TensorShapeException(op, $"expects input [N, C, {nd} spatial] and weight [Cin, Cout/groups, {nd} kernel], got {ShapeUtil.Format(x.Shape)} and {ShapeUtil.Format(weight.Shape)}");
        int cin = weight.Size(0), coutPerGroup = weight.Size(1);
        if (groups < 1 || x.Size(1) != cin || cin % groups != 0)
            throw new TensorShapeException(op, $"input channels {x.Size(1)} do not match weight {ShapeUtil.Format(weight.Shape)} with groups {groups}");
        int cout = coutPerGroup * groups;
        if (bias is not null && (bias.Rank != 1 || bias.Size(0) != cout))
            throw new TensorShapeException(op, $"bias {ShapeUtil.Format(bias.Shape)} does not match {cout} output channels");
        for (int i = 0; i < nd; i++)
            if (outputPadding[i] < 0 || (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i]))
                throw new TensorException(op, $"output_padding {ShapeUtil.Format(outputPadding)} must be smaller than stride {ShapeUtil.Format(stride)} or dilation {ShapeUtil.Format(dilation)}");
        // Insert stride − 1 zeros between input elements along each spatial axis.
        var xd = x;
        for (int i = 0; i < nd; i++) if (stride[i] > 1) xd = DilateAxis(xd, 2 + i, stride[i]);
        // Pad by dilation·(k − 1) − padding on both sides (negative crops), plus output_padding at the end.
        var before = new int[nd];
        var after = new int[nd];
        for (int i = 0; i < nd; i++)
        {
            int k = weight.Size(2 + i);
            before[i] = dilation[i] * (k - 1) - padding[i];
            after[i] = before[i] + outputPadding[i];
        }
        xd = xd.Pad(PadPairs(before, after));
        // Weight as a convolution kernel: [Cin, Cout/G, k...] → [Cout, Cin/G, k...], spatially flipped.
        var ws = new List<int> { groups, cin / groups, coutPerGroup };
        for (int i = 0; i < nd; i++) ws.Add(weight.Size(2 + i));
        var w = weight.Reshape(ws.ToArray()).Transpose(1, 2);                      // [G, Cout/G, Cin/G, k...]
        var wc = new List<int> { cout, cin / groups };
        for (int i = 0; i < nd; i++) wc.Add(weight.Size(2 + i));
        var wf = w.Reshape(wc.ToArray());                                          // [Cout, Cin/G, k...]
        for (int i = 0; i < nd; i++)
        {
            int k = weight.Size(2 + i);
            var rev = new long[k];
            for (int j = 0; j < k; j++) rev[j] = k - 1 - j;
            wf = wf.IndexSelect(2 + i, Tensor.FromLongs(rev));
        }
        var ones = Enumerable.Repeat(1, nd).ToArray();
        return Conv(xd, wf, bias, ones, new int[nd], dilation, groups, op);
    }

    /// <summary>[.., n, ..] → [.., (n − 1)·s + 1, ..] with s − 1 zeros between neighbours along one axis.</summary>
    private static Tensor DilateAxis(Tensor x, int axis, int s)
    {
        int n = x.Size(axis);
        var u = x.Unsqueeze(axis + 1);                         // [.., n, 1, ..]
        var pads = new int[2 * (u.Rank - axis - 1)];
        pads[^1] = s - 1;                                      // pad the new axis (the last pair) to s
        var padded = u.Pad(pads);                              // [.., n, s, ..]
        var shape = x.ShapeArray();
        shape[axis] = n * s;
        return padded.Reshape(shape).Narrow(axis, 0, (n - 1) * s + 1);
    }

    /// <summary>torch pad list (before, after) pairs from the last spatial dimension backwards.</summary>
    internal static int[] PadPairs(int[] before, int[] after)
    {
        int nd = before.Length;
        var pads = new int[2 * nd];
        for (int i = 0; i < nd; i++)
        {
            pads[2 * i] = before[nd - 1 - i];
            pads[2 * i + 1] = after[nd - 1 - i];
        }
        return pads;
    }

    internal static int[] ChannelShape(int c, int nd)
    {
        var s = Enumerable.Repeat(1, nd + 2).ToArray();
        s[1] = c;
        return s;
    }

    private static (int N, int C, int O, int[] K) CheckConv(Tensor x, Tensor weight, Tensor? bias, int groups, int nd, string op)
    {
        if (x.Rank != nd + 2 || weight.Rank != nd + 2)
            throw new TensorShapeException(op, $"expects input [N, C, {nd} spatial] and weight [O, C/groups, {nd} kernel], got {ShapeUtil.Format(x.Shape)} and {ShapeUtil.Format(weight.Shape)}");
        int c = x.Size(1), o = weight.Size(0);
        if (groups < 1 || c % groups != 0 || o % groups != 0 || weight.Size(1) * groups != c)
            throw new TensorShapeException(op, $"input {ShapeUtil.Format(x.Shape)} does not fit weight {ShapeUtil.Format(weight.Shape)} with groups {groups} (expected {c / Math.Max(groups, 1)} input channels per group)");
        if (bias is not null && (bias.Rank != 1 || bias.Size(0) != o))
            throw new TensorShapeException(op, $"bias {ShapeUtil.Format(bias.Shape)} does not match {o} output channels");
        var k = new int[nd];
        for (int i = 0; i < nd; i++) k[i] = weight.Size(2 + i);
        return (x.Size(0), c, o, k);
    }
}
