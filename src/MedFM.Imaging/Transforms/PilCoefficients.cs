namespace MedFM.Imaging.Transforms;

/// <summary>
/// Resampling weights along one axis, as Pillow 9.4's <c>precompute_coeffs</c> (src/libImaging/Resample.c) computes
/// them: for output sample xx the centre is <c>in0 + (xx + 0.5)·scale</c> in input pixels, the kernel is stretched by
/// the downscale factor (antialiasing; never shrunk when upscaling), taps run over
/// <c>[(int)(centre − support + 0.5), (int)(centre + support + 0.5))</c> clamped to the image, and the weights are
/// divided by their sum. <see cref="ToFixedPoint"/> is <c>normalize_coeffs_8bpc</c>: weights as integers with
/// <see cref="PrecisionBits"/> fractional bits, rounded half away from zero.
/// </summary>
internal sealed class PilCoefficients
{
    /// <summary>Resample.c's PRECISION_BITS = 32 − 8 − 2.</summary>
    public const int PrecisionBits = 32 - 8 - 2;

    private PilCoefficients(int kernelSize, int[] start, int[] count, double[] weights)
    {
        KernelSize = kernelSize;
        Start = start;
        Count = count;
        Weights = weights;
    }

    /// <summary>Row length of <see cref="Weights"/>: (int)ceil(support)·2 + 1.</summary>
    public int KernelSize { get; }

    /// <summary>First input sample of each output sample (Resample.c's bounds[2·xx]).</summary>
    public int[] Start { get; }

    /// <summary>Number of input samples of each output sample (bounds[2·xx + 1]).</summary>
    public int[] Count { get; }

    /// <summary>Normalised weights, <see cref="KernelSize"/> per output sample (unused tail zero).</summary>
    public double[] Weights { get; }

    public int OutputSize => Start.Length;

    /// <summary>
    /// Weights for resampling the input span [<paramref name="in0"/>, <paramref name="in1"/>) of an axis of
    /// <paramref name="inSize"/> samples onto <paramref name="outSize"/> samples. in0/in1 are C floats as in PIL
    /// (the box is parsed as "ffff"), and their difference is taken in float before widening, as Resample.c does.
    /// </summary>
    public static PilCoefficients Compute(int inSize, float in0, float in1, int outSize, PilFilter filter)
    {
        double scale = (double)(in1 - in0) / outSize;
        double filterScale = scale < 1.0 ? 1.0 : scale;
        double support = PilKernels.Support(filter) * filterScale;
        int kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        if ((long)outSize * kernelSize > Array.MaxLength)
            throw new ImageTransformException("PilResize", $"{outSize} output samples × {kernelSize} taps exceed the largest array");

        var weights = new double[outSize * kernelSize];
        var start = new int[outSize];
        var count = new int[outSize];
        double ss = 1.0 / filterScale;
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = in0 + (xx + 0.5) * scale;
            double ww = 0.0;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            var k = weights.AsSpan(xx * kernelSize, kernelSize);
            for (int x = 0; x < xmax; x++)
            {
                double w = PilKernels.Evaluate(filter, (x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            if (ww != 0.0)
                for (int x = 0; x < xmax; x++) k[x] /= ww;
            start[xx] = xmin;
            count[xx] = Math.Max(xmax, 0);
        }
        return new PilCoefficients(kernelSize, start, count, weights);
    }

    /// <summary>The weights as PIL's 8-bit path uses them: (int)(±0.5 + w·2^22), truncated toward zero.</summary>
    public int[] ToFixedPoint()
    {
        var fixedPoint = new int[Weights.Length];
        for (int i = 0; i < Weights.Length; i++)
        {
            double w = Weights[i];
            fixedPoint[i] = w < 0 ? (int)(-0.5 + w * (1 << PrecisionBits)) : (int)(0.5 + w * (1 << PrecisionBits));
        }
        return fixedPoint;
    }

    /// <summary>Shifts every start down by <paramref name="offset"/> (the vertical bounds after a cropped horizontal pass).</summary>
    public void ShiftStarts(int offset)
    {
        for (int i = 0; i < Start.Length; i++) Start[i] -= offset;
    }
}
