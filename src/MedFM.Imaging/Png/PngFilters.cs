namespace MedFM.Imaging.Png;

/// <summary>PNG row filter types.</summary>
public enum PngFilter : byte
{
    None = 0,
    Sub = 1,
    Up = 2,
    Average = 3,
    Paeth = 4,

    /// <summary>Writer only: per row, the filter with the smallest sum of absolute signed bytes (libpng's heuristic).</summary>
    Adaptive = 255,
}

/// <summary>Filtering and unfiltering of one row (PNG specification §9). bpp = bytes per complete pixel, at least 1.</summary>
internal static class PngFilters
{
    /// <summary>Reverses the filter in place; <paramref name="prior"/> is the previous unfiltered row (zeros for the first).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static bool Unfilter(byte type, Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        int n = row.Length;
        switch (type)
        {
            case 0: return true;
            case 1:
                for (int i = bpp; i < n; i++) row[i] += row[i - bpp];
                return true;
            case 2:
                for (int i = 0; i < n; i++) row[i] += prior[i];
                return true;
            case 3:
                for (int i = 0; i < bpp && i < n; i++) row[i] += (byte)(prior[i] >> 1);
                for (int i = bpp; i < n; i++) row[i] += (byte)((row[i - bpp] + prior[i]) >> 1);
                return true;
            case 4:
                for (int i = 0; i < bpp && i < n; i++) row[i] += prior[i];
                for (int i = bpp; i < n; i++) row[i] += Paeth(row[i - bpp], prior[i], prior[i - bpp]);
                return true;
            default: return false;
        }
    }

    /// <summary>Writes <paramref name="row"/> filtered with <paramref name="type"/> into <paramref name="output"/>.</summary>
    public static void Filter(PngFilter type, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prior, int bpp, Span<byte> output)
    {
        int n = row.Length;
        for (int i = 0; i < n; i++)
        {
            byte a = i >= bpp ? row[i - bpp] : (byte)0, b = prior[i], c = i >= bpp ? prior[i - bpp] : (byte)0;
            output[i] = type switch
            {
                PngFilter.None => row[i],
                PngFilter.Sub => (byte)(row[i] - a),
                PngFilter.Up => (byte)(row[i] - b),
                PngFilter.Average => (byte)(row[i] - ((a + b) >> 1)),
                _ => (byte)(row[i] - Paeth(a, b, c)),
            };
        }
    }

    /// <summary>
    /// The Paeth predictor (specification §9.4) in branch-light form: pa = |b − c|, pb = |a − c|, pc = |a + b − 2c|
    /// are |p − a|, |p − b|, |p − c| for p = a + b − c; ties prefer a, then b, as the specification requires.
    /// </summary>
    public static byte Paeth(int a, int b, int c)
    {
        int pa = Abs(b - c), pb = Abs(a - c), pc = Abs(a + b - 2 * c);
        if (pb < pa) { pa = pb; a = b; }
        if (pc < pa) a = c;
        return (byte)a;
    }

    private static int Abs(int x)
    {
        int m = x >> 31;
        return (x ^ m) - m;
    }
}
