using System.Numerics;

namespace MedFM.Models.Checkpoints.Pickle;

/// <summary>
/// Python equality for hashable values used as dict keys and set items: numbers compare by value across int,
/// float and bool; str ordinally; bytes by content; tuples element-wise. The unpickler only admits keys that
/// <see cref="IsHashable"/> accepts (scalars and small tuples of them), so hashing and comparing stay cheap.
/// </summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static readonly PyKeyComparer Instance = new();

    private static readonly object NoneKey = new();

    /// <summary>Largest tuple key accepted: nesting depth and total element count.</summary>
    public const int MaxKeyDepth = 4, MaxKeyElements = 64;

    /// <summary>A non-null stand-in for null, and numbers normalised so that 1, 1.0 and True are one key.</summary>
    public static object Wrap(object? key) => key switch
    {
        null => NoneKey,
        bool b => b ? 1L : 0L,
        double d when d == Math.Floor(d) && d >= long.MinValue && d < 9.2233720368547758E18 => (long)d,
        BigInteger i when i >= long.MinValue && i <= long.MaxValue => (long)i,
        _ => key,
    };

    /// <summary>True for values Python can hash and this comparer handles.</summary>
    public static bool IsHashable(object? key)
    {
        int budget = MaxKeyElements;
        return Hashable(key, 0, ref budget);
    }

    /// <summary>The work of hashing or comparing a hashable key, in elements and characters.</summary>
    public static long Cost(object? key) => key switch
    {
        string s => 1 + s.Length,
        byte[] b => 1 + b.Length,
        PyTuple t => t.Sum(Cost) + 1,
        _ => 1,
    };

    private static bool Hashable(object? key, int depth, ref int budget)
    {
        if (--budget < 0) return false;
        switch (key)
        {
            case null or bool or long or double or BigInteger or string or byte[] or PyGlobal: return true;
            case PyTuple t:
                if (depth >= MaxKeyDepth) return false;
                foreach (var item in t) if (!Hashable(item, depth + 1, ref budget)) return false;
                return true;
            default: return false;
        }
    }

    public new bool Equals(object? x, object? y)
    {
        x = x is null ? NoneKey : Wrap(x);
        y = y is null ? NoneKey : Wrap(y);
        if (ReferenceEquals(x, y)) return true;
        return (x, y) switch
        {
            (long a, long b) => a == b,
            (double a, double b) => a.Equals(b),
            (BigInteger a, BigInteger b) => a == b,
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
            (PyTuple a, PyTuple b) => TupleEquals(a, b),
            (PyGlobal a, PyGlobal b) => a.Equals(b),
            _ => false,
        };
    }

    private bool TupleEquals(PyTuple a, PyTuple b)
    {
        if (a.Count != b.Count) return false;
        for (int i = 0; i < a.Count; i++) if (!Equals(a[i], b[i])) return false;
        return true;
    }

    public int GetHashCode(object obj)
    {
        obj = Wrap(obj);
        switch (obj)
        {
            case string s: return StringComparer.Ordinal.GetHashCode(s);
            case byte[] b:
                {
                    var h = new HashCode();
                    h.AddBytes(b);
                    return h.ToHashCode();
                }
            case PyTuple t:
                {
                    var h = new HashCode();
                    foreach (var item in t) h.Add(GetHashCode(item ?? NoneKey));
                    return h.ToHashCode();
                }
            default: return obj.GetHashCode();
        }
    }
}
