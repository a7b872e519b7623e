using System.Buffers;

namespace MedFM.Imaging.Transforms;

// ndimage.zoom(image, in/out, order, mode, cval, grid_mode=True) as skimage calls it: pre-padding, B-spline
// prefilter along every spatial axis, then the two interpolation passes.
public static partial class SkimageResize
{
    /// <summary>_prepad_for_spline_filter: 'nearest' and 'grid-constant' are padded by 12 samples before prefiltering.</summary>
    private const int PrePad = 12;

    private static double[] Zoom(double[] data, int rows, int cols, int channels, int m0, int m1, int order,
        NdimageMode mode, double cval, bool exact, Storage storage)
    {
        int npad = order > 1 && mode is NdimageMode.Nearest or NdimageMode.GridConstant ? PrePad : 0;
        int p0 = rows + 2 * npad, p1 = cols + 2 * npad;
        double[] coefficients = order > 1 ? Prefilter(data, rows, cols, channels, npad, order, mode, cval) : data;
        try
        {
            return ZoomCoefficients(coefficients, rows, cols, channels, m0, m1, order, mode, cval, exact, storage, npad);
        }
        finally
        {
            if (order > 1) ArrayPool<double>.Shared.Return(coefficients);
        }
    }

    private static double[] ZoomCoefficients(double[] coefficients, int rows, int cols, int channels, int m0, int m1, int order,
        NdimageMode mode, double cval, bool exact, Storage storage, int npad)
    {
        int p0 = rows + 2 * npad, p1 = cols + 2 * npad;
        // scipy also prefilters and interpolates the channel axis (at integer positions). That is the identity up to
        // rounding in every mode but 'reflect' (skimage 'symmetric'), whose causal initialisation reads its own
        // partial sum on short lines: there the channel axis gets its own passes.
        bool channelPasses = order > 1 && channels > 1 && mode == NdimageMode.Reflect;
        if (channelPasses) FilterChannels(coefficients, p0 * p1, channels, order, mode);
        var ax0 = ZoomAxis.Build(p0, m0, (double)rows / m0, order, mode, npad);
        var ax1 = ZoomAxis.Build(p1, m1, (double)cols / m1, order, mode, npad);
        var output = Separable(coefficients, p0, p1, channels, ax0, ax1, cval);
        if (channelPasses)
        {
            var axc = ZoomAxis.Build(channels, channels, 1.0, order, mode, 0);
            var mixed = new double[output.Length];
            AxisLines.Axis1(output, mixed, m0 * m1, channels, channels, 1, channels * (long)axc.Taps,
                (s, d, ss, ds, lanes) => axc.ApplyLines(s, d, ss, ds, lanes, cval));
            output = mixed;
        }
        if (exact && order > 0)
            new ExactZoom(coefficients, p0, p1, channels, npad, order, mode, cval, ax0, ax1, channelPasses).FixNearIntegers(output, m0, m1);
        StoreOutput(output, storage);
        return output;
    }

    /// <summary>The two spatial interpolation passes, the cheaper order first.</summary>
    private static double[] Separable(double[] coefficients, int p0, int p1, int channels, ZoomAxis ax0, ZoomAxis ax1, double cval)
    {
        int m0 = ax0.OutputSize, m1 = ax1.OutputSize, taps = ax0.Taps;
        var output = new double[m0 * m1 * channels];
        LineOperation along0 = (s, d, ss, ds, lanes) => ax0.ApplyLines(s, d, ss, ds, lanes, cval);
        LineOperation along1 = (s, d, ss, ds, lanes) => ax1.ApplyLines(s, d, ss, ds, lanes, cval);
        bool columnsFirst = (long)p0 * m1 <= (long)m0 * p1;
        var temp = ArrayPool<double>.Shared.Rent(columnsFirst ? p0 * m1 * channels : m0 * p1 * channels);
        try
        {
            if (columnsFirst)
            {
                AxisLines.Axis1(coefficients, temp, p0, p1, m1, channels, m1 * taps, along1);
                AxisLines.Axis0(temp, output, p0, m0, m1 * channels, m0 * taps, along0);
            }
            else
            {
                AxisLines.Axis0(coefficients, temp, p0, m0, p1 * channels, m0 * taps, along0);
                AxisLines.Axis1(temp, output, m0, p1, m1, channels, m1 * taps, along1);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(temp);
        }
        return output;
    }

    /// <summary>spline_filter1d along the channel axis (lines of <paramref name="channels"/> samples per pixel), in place.</summary>
    private static void FilterChannels(double[] c, int pixels, int channels, int order, NdimageMode mode) =>
        AxisLines.Axis1(c, c, pixels, channels, channels, 1, channels * 8L, (s, d, ss, ds, lanes) =>
        {
            if (!s.Overlaps(d)) s.CopyTo(d);
            NdimageSpline.FilterLines(d, channels, ds, lanes, order, mode);
        });

    /// <summary>
    /// spline_filter (float64) of the pre-padded image along axis 0 then axis 1, in place on a copy rented from the
    /// shared pool (the caller returns it).
    /// </summary>
    private static double[] Prefilter(double[] data, int rows, int cols, int channels, int npad, int order, NdimageMode mode, double cval)
    {
        var c = ArrayPool<double>.Shared.Rent((rows + 2 * npad) * (cols + 2 * npad) * channels);
        if (npad > 0) Pad(data, rows, cols, channels, npad, mode, cval, c);
        else data.AsSpan().CopyTo(c);
        int p0 = rows + 2 * npad, p1 = cols + 2 * npad;
        LineOperation filter0 = (s, d, ss, ds, lanes) => NdimageSpline.FilterLines(d, p0, ds, lanes, order, mode);
        LineOperation filter1 = (s, d, ss, ds, lanes) =>
        {
            if (!s.Overlaps(d)) s.CopyTo(d);
            NdimageSpline.FilterLines(d, p1, ds, lanes, order, mode);
        };
        AxisLines.Axis0(c, c, p0, p0, p1 * channels, p0 * 8L, filter0);
        AxisLines.Axis1(c, c, p0, p1, p1, channels, p1 * 8L, filter1);
        return c;
    }

    /// <summary>numpy.pad(image, 12, mode='edge' | 'constant') on the two spatial axes.</summary>
    private static void Pad(double[] data, int rows, int cols, int channels, int npad, NdimageMode mode, double cval, double[] padded)
    {
        int p0 = rows + 2 * npad, p1 = cols + 2 * npad;
        for (int r = 0; r < p0; r++)
        {
            int sr = Math.Clamp(r - npad, 0, rows - 1);
            bool rowInside = r - npad >= 0 && r - npad < rows;
            for (int q = 0; q < p1; q++)
            {
                int sq = Math.Clamp(q - npad, 0, cols - 1);
                bool inside = rowInside && q - npad >= 0 && q - npad < cols;
                var dst = padded.AsSpan((r * p1 + q) * channels, channels);
                if (inside || mode == NdimageMode.Nearest) data.AsSpan((sr * cols + sq) * channels, channels).CopyTo(dst);
                else dst.Fill(cval);
            }
        }
    }

    /// <summary>CASE_INTERP_OUT for the output dtype: float32 rounding, or round-half-up and clamp for unsigned integers.</summary>
    private static void StoreOutput(double[] values, Storage storage)
    {
        if (storage == Storage.Float32)
            for (int i = 0; i < values.Length; i++) values[i] = (float)values[i];
        else if (storage == Storage.Integer)
            for (int i = 0; i < values.Length; i++) values[i] = values[i] > 0 ? Math.Truncate(values[i] + 0.5) : 0;
    }
}
