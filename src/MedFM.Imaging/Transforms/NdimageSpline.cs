using System.Runtime.CompilerServices;

namespace MedFM.Imaging.Transforms;

/// <summary>
/// B-spline prefiltering and interpolation weights of scipy 1.10 ndimage (reference: scipy/ndimage/src/ni_splines.c
/// <c>get_filter_poles</c>, <c>apply_filter</c> with its per-mode causal/anti-causal initialisations,
/// <c>get_spline_interpolation_weights</c>; ni_interpolation.c <c>NI_SplineFilter1D</c>). The filter runs over many
/// lines at once (lanes), each lane doing scipy's exact sequence of double operations, so coefficients are
/// bit-identical to <c>ndimage.spline_filter1d</c>.
/// </summary>
internal static class NdimageSpline
{
    private static readonly double[][] PoleTable =
    [
        [],
        [],
        [-0.171572875253809902396622551580603843], // sqrt(8) - 3
        [-0.267949192431122706472553658494127633], // sqrt(3) - 2
        [-0.361341225900220177092212841325675255, -0.013725429297339121360331226939128204],
        [-0.430575347099973791851434783493520110, -0.043096288203264653822712376822550182],
    ];

    /// <summary>get_filter_poles (the literals of ni_splines.c).</summary>
    public static ReadOnlySpan<double> Poles(int order) => order is >= 2 and <= 5
        ? PoleTable[order]
        : throw new ImageTransformException("NdimageSpline", $"spline order {order} has no prefilter (2 … 5)");

    /// <summary>
    /// apply_filter on every lane of a line set in place: element (i, lane) at <c>i·stride + lane</c>, lines of
    /// <paramref name="length"/> samples. Lines of one sample are left as they are (NI_SplineFilter1D).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FilterLines(Span<double> c, int length, int stride, int lanes, int order, NdimageMode mode)
    {
        if (length <= 1) return;
        var poles = Poles(order);
        double gain = 1.0;
        foreach (double z in poles) gain *= (1.0 - z) * (1.0 - 1.0 / z);
        for (int i = 0; i < length; i++) LaneOps.Scale(c.Slice(i * stride, lanes), gain);
        foreach (double z in poles)
        {
            CausalInit(c, length, stride, lanes, z, mode);
            for (int i = 1; i < length; i++) LaneOps.AddTimes(Row(c, i, stride, lanes), Row(c, i - 1, stride, lanes), z);
            AntiCausalInit(c, length, stride, lanes, z, mode);
            for (int i = length - 2; i >= 0; i--) LaneOps.TimesDifference(Row(c, i, stride, lanes), Row(c, i + 1, stride, lanes), z);
        }
    }

    private static Span<double> Row(Span<double> c, int i, int stride, int lanes) => c.Slice(i * stride, lanes);

    private static void CausalInit(Span<double> c, int n, int stride, int lanes, double z, NdimageMode mode)
    {
        var c0 = Row(c, 0, stride, lanes);
        switch (mode)
        {
            case NdimageMode.GridWrap:
            {
                double zi = z;
                for (int i = 1; i < n; i++) { LaneOps.AddTimes(c0, Row(c, n - i, stride, lanes), zi); zi *= z; }
                Divide(c0, 1 - zi); // zi = z^n here
                break;
            }
            case NdimageMode.Nearest:
            case NdimageMode.Reflect:
            {
                // _init_causal_reflect; its last term reads c[0] after it has been accumulated into, as in scipy.
                double zn = Math.Pow(z, n), zi = z;
                var original = c0.ToArray();
                LaneOps.AddTimes(c0, Row(c, n - 1, stride, lanes), zn);
                for (int i = 1; i < n; i++) { LaneOps.AddTimesPair(c0, Row(c, i, stride, lanes), Row(c, n - 1 - i, stride, lanes), zi, zn); zi *= z; }
                LaneOps.Scale(c0, z / (1 - zn * zn));
                LaneOps.AddTimes(c0, original, 1.0);
                break;
            }
            default:
            {
                // _init_causal_mirror (mirror, constant, grid-constant, wrap).
                double zn1 = Math.Pow(z, n - 1), zi = z;
                LaneOps.AddTimes(c0, Row(c, n - 1, stride, lanes), zn1);
                for (int i = 1; i < n - 1; i++) { LaneOps.AddTimesPair(c0, Row(c, i, stride, lanes), Row(c, n - 1 - i, stride, lanes), zi, zn1); zi *= z; }
                Divide(c0, 1 - zn1 * zn1);
                break;
            }
        }
    }

    private static void AntiCausalInit(Span<double> c, int n, int stride, int lanes, double z, NdimageMode mode)
    {
        var last = Row(c, n - 1, stride, lanes);
        switch (mode)
        {
            case NdimageMode.GridWrap:
            {
                double zi = z;
                for (int i = 0; i < n - 1; i++) { LaneOps.AddTimes(last, Row(c, i, stride, lanes), zi); zi *= z; }
                LaneOps.Scale(last, z / (zi - 1));
                break;
            }
            case NdimageMode.Nearest:
            case NdimageMode.Reflect:
                LaneOps.Scale(last, z / (z - 1));
                break;
            default:
            {
                // c[n-1] = (z·c[n-2] + c[n-1])·z / (z·z − 1)
                var prev = Row(c, n - 2, stride, lanes);
                for (int l = 0; l < lanes; l++) last[l] = (z * prev[l] + last[l]) * z / (z * z - 1);
                break;
            }
        }
    }

    private static void Divide(Span<double> values, double d)
    {
        for (int l = 0; l < values.Length; l++) values[l] /= d;
    }
}
