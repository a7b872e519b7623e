namespace MedFM.Imaging.Transforms;

/// <summary>
/// The numpy steps models put around a resize (reference: bowang-lab/MedSAM MedSAM_Inference.py, after
/// <c>transform.resize</c>): <c>.astype(np.uint8)</c> and the min–max scaling to [0, 1].
/// </summary>
public static class IntensityOps
{
    /// <summary>
    /// numpy <c>astype(np.uint8)</c> of float64 values: truncation toward zero for values in [0, 256). Values outside
    /// wrap as the x86-64 C conversion numpy compiles to (to int32, keep the low byte); NaN becomes 0.
    /// </summary>
    public static byte[] AsUInt8(ReadOnlySpan<double> values)
    {
        var result = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            int n = v >= int.MinValue && v < 2147483648.0 ? (int)v : int.MinValue; // cvttsd2si: out of range/NaN → 0x80000000
            result[i] = unchecked((byte)n);
        }
        return result;
    }

    /// <summary>
    /// MedSAM's <c>(x − x.min()) / np.clip(x.max() − x.min(), a_min=1e-8, a_max=None)</c> on a uint8 array: the
    /// difference taken in uint8, the division in float64.
    /// </summary>
    public static double[] MinMaxScale(ReadOnlySpan<byte> values)
    {
        if (values.IsEmpty) throw new ImageTransformException("IntensityOps.MinMaxScale", "zero-size array has no minimum");
        byte min = 255, max = 0;
        foreach (var v in values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        double range = Math.Max((double)(byte)(max - min), 1e-8);
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = (byte)(values[i] - min) / range;
        return result;
    }

    /// <summary>The float32 tensor the model receives: <c>torch.tensor(x).float()</c> of <see cref="MinMaxScale"/>.</summary>
    public static float[] MinMaxScaleToSingle(ReadOnlySpan<byte> values)
    {
        var d = MinMaxScale(values);
        var f = new float[d.Length];
        for (int i = 0; i < f.Length; i++) f[i] = (float)d[i];
        return f;
    }
}
