namespace MedFM.Imaging.Transforms;

/// <summary>
/// PIL's resampling filters (<c>PIL.Image.Resampling</c>), with PIL's integer values. Torchvision's
/// <c>InterpolationMode</c> on PIL images maps to these one for one (nearest, bilinear, bicubic, box, hamming, lanczos).
/// </summary>
public enum PilFilter
{
    Nearest = 0,
    Lanczos = 1,
    Bilinear = 2,
    Bicubic = 3,
    Box = 4,
    Hamming = 5,
}

/// <summary>
/// The convolution kernels of Pillow 9.4 src/libImaging/Resample.c (box, triangle, Keys cubic with a = −0.5,
/// Hamming-windowed and 3-lobe Lanczos-windowed sinc) and their supports, evaluated with the same double
/// arithmetic (including the float constants 0.54f / 0.46f of the Hamming window) so coefficients match bit for bit.
/// </summary>
internal static class PilKernels
{
    /// <summary>Half-width of the kernel at scale 1 (Resample.c's <c>struct filter.support</c>).</summary>
    public static double Support(PilFilter filter) => filter switch
    {
        PilFilter.Box => 0.5,
        PilFilter.Bilinear => 1.0,
        PilFilter.Hamming => 1.0,
        PilFilter.Bicubic => 2.0,
        PilFilter.Lanczos => 3.0,
        _ => throw new ImageTransformException("PilResize", $"filter {filter} has no convolution kernel (nearest is a separate path)"),
    };

    public static double Evaluate(PilFilter filter, double x) => filter switch
    {
        PilFilter.Box => Box(x),
        PilFilter.Bilinear => Bilinear(x),
        PilFilter.Hamming => Hamming(x),
        PilFilter.Bicubic => Bicubic(x),
        PilFilter.Lanczos => Lanczos(x),
        _ => throw new ImageTransformException("PilResize", $"filter {filter} has no convolution kernel"),
    };

    private static double Box(double x) => x > -0.5 && x <= 0.5 ? 1.0 : 0.0;

    private static double Bilinear(double x)
    {
        if (x < 0.0) x = -x;
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Hamming(double x)
    {
        if (x < 0.0) x = -x;
        if (x == 0.0) return 1.0;
        if (x >= 1.0) return 0.0;
        x *= Math.PI;
        // 0.54f and 0.46f are float literals in Resample.c: promoted to double, not the decimal values.
        return Math.Sin(x) / x * ((double)0.54f + (double)0.46f * Math.Cos(x));
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    private static double Sinc(double x)
    {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    private static double Lanczos(double x) => -3.0 <= x && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;
}
