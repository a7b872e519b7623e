namespace MedFM.Tensors.Tests.Kernels;

/// <summary>
/// Double-precision erf/erfc for test expectations, independent of the engine: the Maclaurin series for |x| ≤ 3
/// (absolute error ~1e-14 there) and the Laplace continued fraction of erfc beyond. Checked against Python's
/// math.erf / math.erfc in <see cref="VecMathTests"/>.
/// </summary>
internal static class ErfOracle
{
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        double z = Math.Abs(x);
        if (z > 3) return Math.Sign(x) * (1 - ErfcTail(z));
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200 && Math.Abs(term) > 1e-18; n++)
        {
            term *= -x2 / n;
            sum += term / (2 * n + 1);
        }
        return 1.1283791670955126 * sum;
    }

    public static double Erfc(double x) => x > 3 ? ErfcTail(x) : 1 - Erf(x);

    /// <summary>Φ(x), accurate in the left tail through erfc.</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>erfc(z) for z &gt; 3: e^(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))).</summary>
    private static double ErfcTail(double z)
    {
        double k = z;
        for (int n = 80; n >= 1; n--) k = z + n / 2.0 / k;
        return Math.Exp(-z * z) / (Math.Sqrt(Math.PI) * k);
    }
}
