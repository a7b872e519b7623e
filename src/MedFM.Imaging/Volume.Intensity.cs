namespace MedFM.Imaging;

/// <summary>
/// Intensity helpers. All operate on every element (all components and frames together) and return new volumes.
/// Window, clip and normalisation results are Float32 (UInt8 for the ...ToUInt8 variants).
/// </summary>
public partial class Volume
{
    /// <summary>
    /// VOI window to [0, 1]: (x − (L − W/2)) / W clipped to [0, 1]; the linear window of MONAI's
    /// ScaleIntensityRange and MedSAM's CT preprocessing (before its own min–max).
    /// </summary>
    public Volume Window(double level, double width)
    {
        if (!(width > 0) || !double.IsFinite(level)) throw new ArgumentOutOfRangeException(nameof(width), "window width must be positive and level finite");
        double lower = level - width / 2, inv = 1 / width;
        return MapToFloat(x => (float)Math.Clamp((x - lower) * inv, 0, 1));
    }

    public Volume Window(WindowPreset preset) => Window(preset.Level, preset.Width);

    /// <summary>The window mapped to 0..255 (round to nearest).</summary>
    public Volume WindowToUInt8(double level, double width)
    {
        var w = Window(level, width).GetData<float>();
        var bytes = new byte[w.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)MathF.Round(w[i] * 255f, MidpointRounding.AwayFromZero);
        return new Volume(Shape, bytes, Geometry);
    }

    public Volume WindowToUInt8(WindowPreset preset) => WindowToUInt8(preset.Level, preset.Width);

    /// <summary>Values clipped to [min, max], as Float32.</summary>
    public Volume Clip(double min, double max)
    {
        if (!(min <= max)) throw new ArgumentOutOfRangeException(nameof(min), $"clip range [{min}, {max}] is empty");
        return MapToFloat(x => (float)Math.Clamp(x, min, max));
    }

    /// <summary>(x − min) / (max − min) over all elements, as Float32; a constant volume becomes all zeros.</summary>
    public Volume NormalizeMinMax()
    {
        var (min, max) = MinMax();
        double range = max - min;
        if (!(range > 0)) return MapToFloat(_ => 0f);
        return MapToFloat(x => (float)((x - min) / range));
    }

    /// <summary>(x − mean) / std over all elements (population std), as Float32; std 0 gives x − mean.</summary>
    public Volume NormalizeZScore()
    {
        var v = ToFloat64();
        double sum = 0;
        foreach (var x in v) sum += x;
        double mean = sum / v.Length, sq = 0;
        foreach (var x in v) sq += (x - mean) * (x - mean);
        double std = Math.Sqrt(sq / v.Length);
        double inv = std > 0 ? 1 / std : 1;
        return MapToFloat(x => (float)((x - mean) * inv));
    }

    /// <summary>
    /// The p-th percentile (0..100) of all elements with numpy's default linear interpolation:
    /// sorted[⌊h⌋] + (h − ⌊h⌋)·(sorted[⌊h⌋+1] − sorted[⌊h⌋]) with h = p/100·(n − 1).
    /// </summary>
    public double Percentile(double p) => Percentiles(p)[0];

    /// <summary>Several percentiles with one sort.</summary>
    public double[] Percentiles(params double[] ps)
    {
        foreach (var p in ps)
            if (!(p >= 0 && p <= 100)) throw new ArgumentOutOfRangeException(nameof(ps), p, "percentile must be in [0, 100]");
        var sorted = ToFloat64();
        Array.Sort(sorted);
        var result = new double[ps.Length];
        for (int q = 0; q < ps.Length; q++)
        {
            double h = ps[q] / 100 * (sorted.Length - 1);
            int lo = (int)Math.Floor(h);
            int hi = Math.Min(lo + 1, sorted.Length - 1);
            result[q] = sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
        }
        return result;
    }

    /// <summary>Values clipped to the [low, high] percentiles (e.g. 0.5, 99.5 as in nnU-Net's CT scheme), as Float32.</summary>
    public Volume ClipPercentiles(double lowPercent, double highPercent)
    {
        var b = Percentiles(lowPercent, highPercent);
        return Clip(b[0], b[1]);
    }

    /// <summary>Clipped to the [low, high] percentiles and scaled to [0, 1].</summary>
    public Volume NormalizePercentiles(double lowPercent, double highPercent)
    {
        var b = Percentiles(lowPercent, highPercent);
        double range = b[1] - b[0];
        if (!(range > 0)) return MapToFloat(_ => 0f);
        return MapToFloat(x => (float)((Math.Clamp(x, b[0], b[1]) - b[0]) / range));
    }

    private Volume MapToFloat(Func<double, float> f)
    {
        var src = ToFloat32();
        for (int i = 0; i < src.Length; i++) src[i] = f(src[i]);
        return new Volume(Shape, src, Geometry);
    }
}
