using System.Runtime.CompilerServices;

namespace MedFM.Imaging.Transforms;

/// <summary>
/// scipy's own evaluation of a zoomed point (reference: scipy v1.10.1 src/ni_interpolation.c <c>NI_ZoomShift</c>,
/// main loop): over all (order+1)^rank taps in C order (last axis fastest), <c>coeff = c[idx]</c> (or cval),
/// <c>coeff *= w_axis</c> for each axis in turn, <c>t += coeff</c>. For a channel-last image scipy treats the
/// channels as a third axis — prefiltered and interpolated at integer positions like the others — so this class also
/// builds the channel-filtered coefficients (including zoom's pre-padding of that axis). It is used for the few
/// outputs next to an integer, where the separable result (equal to ~1e-13) could truncate differently.
/// </summary>
internal sealed class ExactZoom
{
    private readonly double[] _coefficients;
    private readonly int _p0, _p1, _channels, _npad, _order;
    private readonly NdimageMode _mode;
    private readonly double _cval;
    private readonly ZoomAxis _ax0, _ax1;
    private readonly bool _channelFiltered;

    /// <param name="channelFiltered">the coefficients are already prefiltered along the channel axis (no pre-padding)</param>
    public ExactZoom(double[] coefficients, int p0, int p1, int channels, int npad, int order, NdimageMode mode, double cval,
        ZoomAxis ax0, ZoomAxis ax1, bool channelFiltered)
    {
        (_coefficients, _p0, _p1, _channels, _npad, _order, _mode, _cval, _ax0, _ax1, _channelFiltered) =
            (coefficients, p0, p1, channels, npad, order, mode, cval, ax0, ax1, channelFiltered);
    }

    /// <summary>True when a truncation of <paramref name="v"/> could differ between two evaluations ~1e-13 apart.</summary>
    public static bool NearNonZeroInteger(double v)
    {
        double r = Math.Round(v);
        return r != 0 && Math.Abs(v - r) <= 1e-9 + 1e-12 * Math.Abs(v);
    }

    /// <summary>Replaces the outputs next to a non-zero integer by scipy's value; returns how many were recomputed.</summary>
    public int FixNearIntegers(double[] output, int m0, int m1)
    {
        var flagged = new List<int>();
        for (int i = 0; i < output.Length; i++)
            if (NearNonZeroInteger(output[i])) flagged.Add(i);
        if (flagged.Count == 0) return 0;
        if (_channels == 1)
        {
            foreach (int i in flagged) output[i] = Point2(i / m1, i % m1);
            return flagged.Count;
        }
        var axc = ZoomAxis.Build(_channels + 2 * _npad, _channels, 1.0, _order, _mode, _npad);
        var (window, first, width) = _channelFiltered && _npad == 0 ? (_coefficients, 0, _channels) : ChannelCoefficients(axc);
        foreach (int i in flagged)
        {
            int pixel = i / _channels;
            output[i] = Point3(window, first, width, axc, pixel / m1, pixel % m1, i % _channels);
        }
        return flagged.Count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Point2(int k0, int k1)
    {
        int taps = _order + 1;
        double t = 0.0;
        for (int f0 = 0; f0 < taps; f0++)
        {
            int i0 = _ax0.Index[k0 * taps + f0];
            double w0 = _ax0.Weight[k0 * taps + f0];
            for (int f1 = 0; f1 < taps; f1++)
            {
                int i1 = _ax1.Index[k1 * taps + f1];
                double coeff = i0 < 0 || i1 < 0 ? _cval : _coefficients[i0 * _p1 + i1];
                coeff *= w0;
                coeff *= _ax1.Weight[k1 * taps + f1];
                t += coeff;
            }
        }
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Point3(double[] window, int first, int width, ZoomAxis axc, int k0, int k1, int kc)
    {
        int taps = _order + 1;
        double t = 0.0;
        for (int f0 = 0; f0 < taps; f0++)
        {
            int i0 = _ax0.Index[k0 * taps + f0];
            double w0 = _ax0.Weight[k0 * taps + f0];
            for (int f1 = 0; f1 < taps; f1++)
            {
                int i1 = _ax1.Index[k1 * taps + f1];
                double w1 = _ax1.Weight[k1 * taps + f1];
                for (int f2 = 0; f2 < taps; f2++)
                {
                    int ic = axc.Index[kc * taps + f2];
                    double coeff = i0 < 0 || i1 < 0 || ic < 0 ? _cval : window[(i0 * _p1 + i1) * width + ic - first];
                    coeff *= w0;
                    coeff *= w1;
                    coeff *= axc.Weight[kc * taps + f2];
                    t += coeff;
                }
            }
        }
        return t;
    }

    /// <summary>
    /// The coefficients prefiltered along the channel axis too, kept only for the channel positions the channel taps
    /// read: (p0, p1, width) starting at padded channel <c>first</c>.
    /// </summary>
    private (double[] Window, int First, int Width) ChannelCoefficients(ZoomAxis axc)
    {
        int first = int.MaxValue, last = int.MinValue;
        foreach (int idx in axc.Index)
            if (idx >= 0) { first = Math.Min(first, idx); last = Math.Max(last, idx); }
        int width = last - first + 1, pc = _channels + 2 * _npad;
        if (_npad == 0 && _order > 1)
        {
            // No channel pre-padding: filter a copy of the coefficients along the channel axis, all lines at once.
            var copy = (double[])_coefficients.Clone();
            AxisLines.Axis1(copy, copy, _p0 * _p1, _channels, _channels, 1, _channels * 8L, (s, d, ss, ds, lanes) =>
            {
                if (!s.Overlaps(d)) s.CopyTo(d);
                NdimageSpline.FilterLines(d, _channels, ds, lanes, _order, _mode);
            });
            return (copy, 0, _channels);
        }
        if (_npad == 0) return (_coefficients, 0, _channels);
        var window = new double[_p0 * _p1 * width];
        double[]? cvalPlane = _order > 1 && _npad > 0 && _mode == NdimageMode.GridConstant ? FilteredConstantPlane() : null;
        var line = new double[pc];
        for (int p = 0; p < _p0 * _p1; p++)
        {
            for (int c = 0; c < pc; c++)
            {
                int real = c - _npad;
                line[c] = real >= 0 && real < _channels ? _coefficients[p * _channels + real]
                    : cvalPlane is not null ? cvalPlane[p]
                    : _coefficients[p * _channels + Math.Clamp(real, 0, _channels - 1)];
            }
            if (_order > 1) NdimageSpline.FilterLines(line, pc, 1, 1, _order, _mode);
            line.AsSpan(first, width).CopyTo(window.AsSpan(p * width, width));
        }
        return (window, first, width);
    }

    /// <summary>A channel lane that numpy.pad filled with cval, after the spatial prefilter passes.</summary>
    private double[] FilteredConstantPlane()
    {
        var plane = new double[_p0 * _p1];
        Array.Fill(plane, _cval);
        NdimageSpline.FilterLines(plane, _p0, _p1, _p1, _order, _mode);
        for (int i = 0; i < _p0; i++) NdimageSpline.FilterLines(plane.AsSpan(i * _p1, _p1), _p1, 1, 1, _order, _mode);
        return plane;
    }
}
