namespace MedFM.Tensors.Kernels;

/// <summary>
/// The error function in double precision: a Maclaurin series near 0 and, beyond, the Chebyshev-fitted erfc of
/// Numerical Recipes (§6.2, relative error of erfc &lt; 1.2e-7): enough for float32 GELU and for gradient-check references.
/// </summary>
public static class Erf
{
    public static double Compute(double x)
    {
        double z = Math.Abs(x);
        if (z < 0.5) return Series(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        double erfc = t * Math.Exp(poly);
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }

    /// <summary>Maclaurin series 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)): full double accuracy for |x| &lt; 0.5.</summary>
    private static double Series(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 20; n++)
        {
            term *= -x2 / n;
            sum += term / (2 * n + 1);
        }
        return 1.1283791670955126 * sum;
    }
}
