using System.Runtime.CompilerServices;

namespace MedFM.Imaging.Transforms;

/// <summary>
/// One axis of scipy 1.10's <c>ndimage.zoom(..., grid_mode=True)</c> (reference: scipy/ndimage/_interpolation.py
/// <c>zoom</c>, src/ni_interpolation.c <c>NI_ZoomShift</c>, src/ni_splines.c
/// <c>get_spline_interpolation_weights</c>): for output index k the input coordinate is
/// <c>((k + 0.5)·zoom − 0.5) + nprepad</c>, folded by <c>map_coordinate</c> (except grid-constant and nearest, whose
/// boundary is the pre-padding), the taps start at <c>floor(cc) − order/2</c> (odd orders) or
/// <c>floor(cc + 0.5) − order/2</c> (even), taps outside the array map through the spline boundary mode or read
/// <c>cval</c> (grid-constant), and the weights are the B-spline weights of the fractional position.
/// </summary>
internal sealed class ZoomAxis
{
    private ZoomAxis(int taps, int[] index, double[] weight)
    {
        Taps = taps;
        Index = index;
        Weight = weight;
    }

    /// <summary>order + 1.</summary>
    public int Taps { get; }

    /// <summary>Input index of tap t of output k at [k·Taps + t]; −1 reads cval.</summary>
    public int[] Index { get; }

    /// <summary>Weight of tap t of output k (1 for order 0).</summary>
    public double[] Weight { get; }

    public int OutputSize => Index.Length / Taps;

    /// <param name="inSize">length of the (pre-padded, prefiltered) array along the axis</param>
    /// <param name="outSize">output length</param>
    /// <param name="zoom">input/output length ratio of the unpadded axis, as zoom computes it</param>
    public static ZoomAxis Build(int inSize, int outSize, double zoom, int order, NdimageMode mode, int nprepad)
    {
        if (mode is NdimageMode.Constant or NdimageMode.Wrap)
            throw new ImageTransformException("NdimageZoom", $"mode {mode} is not one skimage uses (it maps to the grid- variants)");
        int taps = order + 1;
        var index = new int[outSize * taps];
        var weight = new double[outSize * taps];
        var splineMode = NdimageBoundary.SplineBoundary(mode);
        Span<double> w = stackalloc double[6];
        for (int k = 0; k < outSize; k++)
        {
            double cc = k;
            cc += 0.5;
            cc *= zoom;
            cc -= 0.5;
            cc += nprepad;
            if (mode != NdimageMode.GridConstant && mode != NdimageMode.Nearest) cc = NdimageBoundary.MapCoordinate(cc, inSize, mode);
            long start = (order & 1) != 0 ? (long)Math.Floor(cc) - order / 2 : (long)Math.Floor(cc + 0.5) - order / 2;
            bool edge = start < 0 || start + order >= inSize;
            for (int t = 0; t < taps; t++)
            {
                long idx = start + t;
                if (edge)
                {
                    if (mode == NdimageMode.GridConstant) idx = idx < 0 || idx >= inSize ? -1 : idx;
                    else idx = (long)NdimageBoundary.MapCoordinate(idx, inSize, splineMode);
                }
                index[k * taps + t] = (int)idx;
            }
            if (order > 0)
            {
                SplineWeights(cc, order, w);
                w[..taps].CopyTo(weight.AsSpan(k * taps, taps));
            }
            else weight[k] = 1.0;
        }
        return new ZoomAxis(taps, index, weight);
    }

    /// <summary>get_spline_interpolation_weights, term by term.</summary>
    public static void SplineWeights(double x, int order, Span<double> weights)
    {
        x -= Math.Floor((order & 1) != 0 ? x : x + 0.5);
        double y = x, z = 1.0 - x, t;
        switch (order)
        {
            case 1:
                weights[0] = 1.0 - x;
                break;
            case 2:
                weights[1] = 0.75 - x * x;
                y = 0.5 - x;
                weights[0] = 0.5 * y * y;
                break;
            case 3:
                weights[1] = (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0;
                weights[2] = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0;
                weights[0] = z * z * z / 6.0;
                break;
            case 4:
                t = x * x;
                weights[2] = t * (t * 0.25 - 0.625) + 115.0 / 192.0;
                y = 1.0 + x;
                weights[1] = y * (y * (y * (5.0 - y) / 6.0 - 1.25) + 5.0 / 24.0) + 55.0 / 96.0;
                weights[3] = z * (z * (z * (5.0 - z) / 6.0 - 1.25) + 5.0 / 24.0) + 55.0 / 96.0;
                y = 0.5 - x;
                t = y * y;
                weights[0] = t * t / 24.0;
                break;
            case 5:
                t = y * y;
                weights[2] = t * (t * (0.25 - y / 12.0) - 0.5) + 0.55;
                t = z * z;
                weights[3] = t * (t * (0.25 - z / 12.0) - 0.5) + 0.55;
                y += 1.0;
                weights[1] = y * (y * (y * (y * (y / 24.0 - 0.375) + 1.25) - 1.75) + 0.625) + 0.425;
                z += 1.0;
                weights[4] = z * (z * (z * (z * (z / 24.0 - 0.375) + 1.25) - 1.75) + 0.625) + 0.425;
                y = 1.0 - x;
                t = y * y;
                weights[0] = y * t * t / 120.0;
                break;
            default:
                throw new ImageTransformException("NdimageZoom", $"spline order {order} is not supported (0 … 5)");
        }
        weights[order] = 1.0;
        for (int i = 0; i < order; i++) weights[order] -= weights[i];
    }

    /// <summary>
    /// Interpolates along the line direction of a lane set: output row k = Σ_t Weight[k,t]·input row Index[k,t]
    /// (the cval row where the index is −1), element (i, lane) at i·stride + lane in both spans.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ApplyLines(ReadOnlySpan<double> src, Span<double> dst, int srcStride, int dstStride, int lanes, double cval)
    {
        double[]? cvalRow = null;
        for (int k = 0; k < OutputSize; k++)
        {
            var o = dst.Slice(k * dstStride, lanes);
            for (int t = 0; t < Taps; t++)
            {
                int idx = Index[k * Taps + t];
                ReadOnlySpan<double> row;
                if (idx >= 0) row = src.Slice(idx * srcStride, lanes);
                else
                {
                    if (cvalRow is null) { cvalRow = new double[lanes]; Array.Fill(cvalRow, cval); }
                    row = cvalRow;
                }
                if (t == 0) LaneOps.Times(o, row, Weight[k * Taps]);
                else LaneOps.AddTimes(o, row, Weight[k * Taps + t]);
            }
        }
    }
}
