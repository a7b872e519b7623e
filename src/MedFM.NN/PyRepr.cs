using System.Globalization;

namespace MedFM.NN;

/// <summary>Python's repr of the values that appear in module reprs (floats, tuples, booleans), so ToString() matches PyTorch.</summary>
public static class PyRepr
{
    /// <summary>repr(float): shortest round-trip digits; scientific notation below 1e-4 or from 1e16, as CPython.</summary>
    public static string Float(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return double.IsNegative(v) ? "-0.0" : "0.0";
        // Find the shortest digit string that round-trips, then place the decimal point as Python does.
        string digits = "";
        int exp = 0;
        for (int prec = 1; prec <= 17; prec++)
        {
            var s = Math.Abs(v).ToString("E" + (prec - 1), CultureInfo.InvariantCulture);
            if (double.Parse(s, CultureInfo.InvariantCulture) != Math.Abs(v)) continue;
            int e = s.IndexOf('E');
            digits = s[..e].Replace(".", "").TrimEnd('0');
            if (digits.Length == 0) digits = "0";
            exp = int.Parse(s[(e + 1)..], CultureInfo.InvariantCulture);
            break;
        }
        string sign = v < 0 ? "-" : "";
        if (exp < -4 || exp >= 16)
        {
            string mant = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            return sign + mant + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        if (exp < 0) return sign + "0." + new string('0', -exp - 1) + digits;
        if (digits.Length <= exp + 1) return sign + digits + new string('0', exp + 1 - digits.Length) + ".0";
        return sign + digits[..(exp + 1)] + "." + digits[(exp + 1)..];
    }

    /// <summary>repr(tuple of ints): "(3, 3)", "(8,)" for one element.</summary>
    public static string Tuple(IReadOnlyList<int> values) =>
        values.Count == 1 ? $"({values[0]},)" : "(" + string.Join(", ", values) + ")";

    public static string Bool(bool b) => b ? "True" : "False";

    /// <summary>An int when all entries are equal and were given as one int, else a tuple (pool kernel sizes).</summary>
    public static string IntOrTuple(IReadOnlyList<int> values, bool givenAsInt) => givenAsInt ? values[0].ToString(CultureInfo.InvariantCulture) : Tuple(values);
}
