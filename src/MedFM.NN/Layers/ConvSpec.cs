using System.Text;

namespace MedFM.NN.Layers;

/// <summary>Shared argument checks, default-init bound and repr of the convolution layers (torch's _ConvNd).</summary>
internal static class ConvSpec
{
    public static void Check(int inChannels, int outChannels, int groups, string layer)
    {
        if (inChannels < 1 || outChannels < 1 || groups < 1)
            throw new ArgumentException($"{layer}: channels and groups must be positive, got in {inChannels}, out {outChannels}, groups {groups}");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{layer}: in_channels {inChannels} and out_channels {outChannels} must be divisible by groups {groups}");
    }

    /// <summary>1/√fan_in with fan_in = weight.size(1) · receptive field (torch's kaiming_uniform(a=√5) and bias bound).</summary>
    public static float Bound(int[] weightShape)
    {
        long fanIn = weightShape[1];
        for (int i = 2; i < weightShape.Length; i++) fanIn *= weightShape[i];
        return fanIn > 0 ? (float)(1.0 / Math.Sqrt(fanIn)) : 0f;
    }

    /// <summary>torch's _ConvNd.extra_repr.</summary>
    public static string Repr(int cin, int cout, int[] k, int[] s, int[] p, int[] d, int[]? outputPadding, int groups, bool bias)
    {
        var sb = new StringBuilder($"{cin}, {cout}, kernel_size={PyRepr.Tuple(k)}, stride={PyRepr.Tuple(s)}");
        if (p.Any(v => v != 0)) sb.Append(", padding=").Append(PyRepr.Tuple(p));
        if (d.Any(v => v != 1)) sb.Append(", dilation=").Append(PyRepr.Tuple(d));
        if (outputPadding is not null && outputPadding.Any(v => v != 0)) sb.Append(", output_padding=").Append(PyRepr.Tuple(outputPadding));
        if (groups != 1) sb.Append(", groups=").Append(groups);
        if (!bias) sb.Append(", bias=False");
        return sb.ToString();
    }
}
