namespace MedFM.Imaging.Transforms;

/// <summary>scipy.ndimage boundary modes with their C codes (ni_support.h NI_ExtendMode).</summary>
internal enum NdimageMode
{
    Nearest = 0,
    Wrap = 1,
    Reflect = 2,
    Mirror = 3,
    Constant = 4,
    GridWrap = 5,
    GridConstant = 6,
}

/// <summary>
/// The boundary arithmetic of scipy 1.10 ndimage (reference: scipy/scipy v1.10.1, scipy/ndimage/src/ni_support.c
/// <c>NI_ExtendLine</c> and ni_interpolation.c <c>map_coordinate</c>), reproduced literally, including their
/// corner cases (a single reflection pass in NI_ExtendLine, the 1e-15 guard of reflect).
/// </summary>
internal static class NdimageBoundary
{
    /// <summary>
    /// The source index of every position of a line extended by NI_ExtendLine: entry p is position p − before of the
    /// extended line (−before … length + after − 1), −1 meaning the constant value.
    /// </summary>
    public static int[] ExtendLine(int length, int before, int after, NdimageMode mode)
    {
        var buf = new int[before + length + after];
        for (int i = 0; i < length; i++) buf[before + i] = i;
        int first = before, last = before + length;
        if (length == 1 && mode == NdimageMode.Mirror) mode = NdimageMode.Nearest;
        int sb = before, sa = after, src, dst;
        switch (mode)
        {
            case NdimageMode.Nearest:
                for (dst = 0; dst < first; dst++) buf[dst] = buf[first];
                for (dst = last; dst < last + after; dst++) buf[dst] = buf[last - 1];
                break;
            case NdimageMode.Wrap:
            case NdimageMode.GridWrap:
                for (src = last - 1, dst = first - 1; sb-- > 0;) buf[dst--] = buf[src--];
                for (src = first, dst = last; sa-- > 0;) buf[dst++] = buf[src++];
                break;
            case NdimageMode.Reflect:
                for (src = first, dst = first - 1; sb > 0 && src < last; sb--) buf[dst--] = buf[src++];
                for (src = last - 1; sb-- > 0;) buf[dst--] = buf[src--];
                for (src = last - 1, dst = last; sa > 0 && src >= first; sa--) buf[dst++] = buf[src--];
                for (src = first; sa-- > 0;) buf[dst++] = buf[src++];
                break;
            case NdimageMode.Mirror:
                for (src = first + 1, dst = first - 1; sb > 0 && src < last; sb--) buf[dst--] = buf[src++];
                for (src = last - 2; sb-- > 0;) buf[dst--] = buf[src--];
                for (src = last - 2, dst = last; sa > 0 && src >= first; sa--) buf[dst++] = buf[src--];
                for (src = first + 1; sa-- > 0;) buf[dst++] = buf[src++];
                break;
            case NdimageMode.Constant:
            case NdimageMode.GridConstant:
                for (dst = 0; dst < first; dst++) buf[dst] = -1;
                for (dst = last; dst < last + after; dst++) buf[dst] = -1;
                break;
        }
        return buf;
    }

    /// <summary>ni_interpolation.c map_coordinate: folds a coordinate outside [0, len − 1] back (or −1 for constant).</summary>
    public static double MapCoordinate(double x, long len, NdimageMode mode)
    {
        if (x < 0)
        {
            switch (mode)
            {
                case NdimageMode.Mirror:
                    if (len <= 1) return 0;
                    {
                        long sz2 = 2 * len - 2;
                        x = sz2 * (long)(-x / sz2) + x;
                        return x <= 1 - len ? x + sz2 : -x;
                    }
                case NdimageMode.Reflect:
                    if (len <= 1) return 0;
                    {
                        long sz2 = 2 * len;
                        if (x < -sz2) x = sz2 * (long)(-x / sz2) + x;
                        // -1e-15 check to avoid possibility that: (-in - 1) == -1
                        return x < -len ? x + sz2 : (x > -1e-15 ? 1e-15 : -x) - 1;
                    }
                case NdimageMode.Wrap:
                    if (len <= 1) return 0;
                    {
                        long sz = len - 1;
                        return x + sz * ((long)(-x / sz) + 1);
                    }
                case NdimageMode.GridWrap:
                    if (len <= 1) return 0;
                    return x + len * ((long)((-1 - x) / len) + 1);
                case NdimageMode.Nearest:
                    return 0;
                case NdimageMode.Constant:
                    return -1;
            }
        }
        else if (x > len - 1)
        {
            switch (mode)
            {
                case NdimageMode.Mirror:
                    if (len <= 1) return 0;
                    {
                        long sz2 = 2 * len - 2;
                        x -= sz2 * (long)(x / sz2);
                        return x >= len ? sz2 - x : x;
                    }
                case NdimageMode.Reflect:
                    if (len <= 1) return 0;
                    {
                        long sz2 = 2 * len;
                        x -= sz2 * (long)(x / sz2);
                        return x >= len ? sz2 - x - 1 : x;
                    }
                case NdimageMode.Wrap:
                    if (len <= 1) return 0;
                    {
                        long sz = len - 1;
                        return x - sz * (long)(x / sz);
                    }
                case NdimageMode.GridWrap:
                    if (len <= 1) return 0;
                    return x - len * (long)(x / len);
                case NdimageMode.Nearest:
                    return len - 1;
                case NdimageMode.Constant:
                    return -1;
            }
        }
        return x;
    }

    /// <summary>_get_spline_boundary_mode: constant and wrap fall back to mirror for the taps of a prefiltered spline.</summary>
    public static NdimageMode SplineBoundary(NdimageMode mode) =>
        mode is NdimageMode.Constant or NdimageMode.Wrap ? NdimageMode.Mirror : mode;
}
