namespace MedFM.Tensors.Kernels;

/// <summary>
/// Per-axis tap tables for torch.nn.functional.interpolate, with ATen's CPU arithmetic (float scales, the same
/// float/double mix, truncations and clamps), from aten/src/ATen/native/UpSample.h and
/// aten/src/ATen/native/cpu/UpSampleKernel.cpp (PyTorch 1.13). <c>scale</c> is the user's scale factor when it
/// is used for the coordinates (scale_factor given, recompute_scale_factor not set), else null.
/// </summary>
public static class InterpolateWeights
{
    /// <summary>compute_scales_value: 1/scale when a positive scale factor is given, else in/out, as float.</summary>
    public static float ScalesValue(double? scale, int inSize, int outSize) =>
        scale is > 0 ? (float)(1.0 / scale.Value) : (float)inSize / outSize;

    /// <summary>area_pixel_compute_scale: (in−1)/(out−1) with align_corners (0 for one output), else ScalesValue.</summary>
    public static float AreaPixelScale(int inSize, int outSize, bool alignCorners, double? scale) =>
        alignCorners ? (outSize > 1 ? (float)(inSize - 1) / (outSize - 1) : 0f) : ScalesValue(scale, inSize, outSize);

    /// <summary>Legacy "nearest": src = min(floor(dst · scale), in − 1), with the exact shortcuts for out = in and out = 2·in.</summary>
    public static InterpolateTaps Nearest(int inSize, int outSize, double? scale)
    {
        var t = new InterpolateTaps(inSize, outSize, 1);
        float s = ScalesValue(scale, inSize, outSize);
        for (int o = 0; o < outSize; o++)
        {
            int src = outSize == inSize ? o
                : outSize == 2 * inSize ? o >> 1
                : Math.Min((int)MathF.Floor(o * s), inSize - 1);
            t.Add(o, src, 1f);
        }
        return t;
    }

    /// <summary>"nearest-exact": src = min(floor((dst + 0.5) · scale), in − 1) (the product in double, floored as float).</summary>
    public static InterpolateTaps NearestExact(int inSize, int outSize, double? scale)
    {
        var t = new InterpolateTaps(inSize, outSize, 1);
        float s = ScalesValue(scale, inSize, outSize);
        for (int o = 0; o < outSize; o++)
            t.Add(o, Math.Min((int)MathF.Floor((float)((o + 0.5) * s)), inSize - 1), 1f);
        return t;
    }

    /// <summary>
    /// Linear (the axes of bilinear/trilinear): two taps floor(src) and its right neighbour (clamped), with the
    /// source index in double and clamped at 0 without align_corners; identity when out = in.
    /// </summary>
    public static InterpolateTaps Linear(int inSize, int outSize, bool alignCorners, double? scale)
    {
        var t = new InterpolateTaps(inSize, outSize, 2);
        float s = AreaPixelScale(inSize, outSize, alignCorners, scale);
        for (int o = 0; o < outSize; o++)
        {
            if (outSize == inSize)
            {
                t.Add(o, o, 1f);
                continue;
            }
            double real = alignCorners ? (double)s * o : Math.Max(0.0, (double)s * (o + 0.5) - 0.5);
            int i0 = (int)real;
            int i1 = i0 < inSize - 1 ? i0 + 1 : i0;
            float l1 = (float)(real - i0);
            float l0 = 1f - l1;
            t.Add(o, i0, l0);
            t.Add(o, i1, l1);
        }
        return t;
    }

    /// <summary>Bicubic axis: Keys' cubic convolution with A = −0.75 over floor(src) − 1 .. + 2, indices clamped to the border.</summary>
    public static InterpolateTaps Cubic(int inSize, int outSize, bool alignCorners, double? scale)
    {
        var t = new InterpolateTaps(inSize, outSize, 4);
        float s = AreaPixelScale(inSize, outSize, alignCorners, scale);
        Span<float> c = stackalloc float[4];
        for (int o = 0; o < outSize; o++)
        {
            float real = alignCorners ? s * o : s * (o + 0.5f) - 0.5f;
            int i = (int)MathF.Floor(real);
            CubicCoefficients(real - i, c);
            for (int j = 0; j < 4; j++) t.Add(o, Math.Clamp(i - 1 + j, 0, inSize - 1), c[j]);
        }
        return t;
    }

    /// <summary>
    /// Antialiased bilinear/bicubic axis (PIL-style separable filter): when downsampling the filter support is
    /// stretched by the scale; the taps are the inputs within the support, weights normalised to sum 1. The
    /// triangle filter for bilinear, Keys' cubic with a = −0.5 for bicubic (PIL's choice, as ATen uses here).
    /// </summary>
    public static InterpolateTaps Antialiased(int inSize, int outSize, bool alignCorners, double? scale, bool cubic)
    {
        float s = AreaPixelScale(inSize, outSize, alignCorners, scale);
        int interp = cubic ? 4 : 2;
        float support = s >= 1.0 ? (float)(interp * 0.5 * s) : interp * 0.5f;
        int maxTaps = (int)MathF.Ceiling(support) * 2 + 1;
        float invScale = s >= 1.0 ? (float)(1.0 / s) : 1f;
        var t = new InterpolateTaps(inSize, outSize, maxTaps);
        Span<float> w = stackalloc float[maxTaps];
        for (int o = 0; o < outSize; o++)
        {
            float center = (float)(s * (o + 0.5));
            int xmin = Math.Max((int)(long)((center - support) + 0.5), 0);
            int xsize = Math.Min((int)Math.Min((long)((center + support) + 0.5), int.MaxValue), inSize) - xmin;
            xsize = Math.Clamp(xsize, 0, maxTaps);
            float total = 0f;
            for (int j = 0; j < xsize; j++)
            {
                float arg = (float)(((float)(j + xmin) - center + 0.5) * invScale);
                w[j] = cubic ? CubicFilterAa(arg) : TriangleFilter(arg);
                total += w[j];
            }
            for (int j = 0; j < xsize; j++) t.Add(o, xmin + j, total != 0f ? w[j] / total : w[j]);
        }
        return t;
    }

    /// <summary>get_cubic_upsample_coefficients with A = −0.75 (float arithmetic, arguments x+1 and 1−x as ATen forms them).</summary>
    public static void CubicCoefficients(float x, Span<float> c)
    {
        const float a = -0.75f;
        float x1 = x;
        c[0] = Cubic2((float)(x1 + 1.0), a);
        c[1] = Cubic1(x1, a);
        float x2 = (float)(1.0 - x);
        c[2] = Cubic1(x2, a);
        c[3] = Cubic2((float)(x2 + 1.0), a);
    }

    private static float Cubic1(float x, float a) => ((a + 2) * x - (a + 3)) * x * x + 1;

    private static float Cubic2(float x, float a) => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;

    private static float TriangleFilter(float x)
    {
        if (x < 0f) x = -x;
        return x < 1f ? (float)(1.0 - x) : 0f;
    }

    private static float CubicFilterAa(float x)
    {
        const double a = -0.5;
        if (x < 0f) x = -x;
        if (x < 1f) return (float)(((a + 2.0) * x - (a + 3.0)) * x * x + 1);
        if (x < 2f) return (float)((((x - 5) * x + 8) * x - 4) * a);
        return 0f;
    }
}
