using System.Globalization;
using System.Reflection;

namespace MedFM.Models.Clip.Tokenizers.Text;

/// <summary>
/// The Unicode facts of CPython's <c>unicodedata</c> (Unicode 14.0.0 in Python 3.11) that the reference
/// tokenizers depend on: general categories, lower-case mappings, canonical combining classes and
/// decompositions, composition exclusions, and the Cased / Case_Ignorable sets of str.lower()'s final-sigma rule.
/// Read from the embedded table that tools/tokenizers/make_unicode_tables.py writes, so results do not depend on
/// the .NET runtime's Unicode version or on globalization-invariant mode (where string.Normalize does nothing).
/// </summary>
internal static class PyUnicode
{
    internal const string ResourceName = "MedFM.Models.Clip.Tokenizers.python_unicode.txt";

    private static readonly Lazy<Tables> Data = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>General category of a code point, as CPython reports it.</summary>
    public static UnicodeCategory Category(int cp)
    {
        var t = Data.Value;
        if ((uint)cp < 0x10000) return t.Bmp[cp];
        if (cp > 0x10FFFF) return UnicodeCategory.OtherNotAssigned;
        int i = Array.BinarySearch(t.RunStarts, cp);
        if (i < 0) i = ~i - 1;
        return t.RunCategories[i];
    }

    /// <summary>\p{L}: Lu, Ll, Lt, Lm, Lo.</summary>
    public static bool IsLetter(int cp) => cp < 0x80 ? char.IsAsciiLetter((char)cp) : Category(cp) <= UnicodeCategory.OtherLetter;

    /// <summary>\p{N}: Nd, Nl, No.</summary>
    public static bool IsNumber(int cp)
    {
        if (cp < 0x80) return char.IsAsciiDigit((char)cp);
        var c = Category(cp);
        return c is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
    }

    /// <summary>Any P* category.</summary>
    public static bool IsPunctuation(int cp)
    {
        var c = Category(cp);
        return c >= UnicodeCategory.ConnectorPunctuation && c <= UnicodeCategory.OtherPunctuation;
    }

    /// <summary>Any C* category (Cc, Cf, Cs, Co, Cn).</summary>
    public static bool IsOther(int cp)
    {
        var c = Category(cp);
        return c is >= UnicodeCategory.Control and <= UnicodeCategory.PrivateUse || c == UnicodeCategory.OtherNotAssigned;
    }

    /// <summary>The full lower-case mapping of a code point, or null when it lower-cases to itself.</summary>
    public static string? LowerMapping(int cp)
    {
        if (cp < 0x80) return cp is >= 'A' and <= 'Z' ? AsciiLower[cp - 'A'] : null;
        return Data.Value.Lower.TryGetValue(cp, out var s) ? s : null;
    }

    /// <summary>Canonical combining class (0 for starters).</summary>
    public static int CombiningClass(int cp)
    {
        if (cp < 0x300) return 0;
        return Data.Value.Ccc.TryGetValue(cp, out var k) ? k : 0;
    }

    /// <summary>The single-level canonical decomposition, or null (Hangul syllables are algorithmic and not here).</summary>
    public static int[]? Decomposition(int cp) => cp < 0xC0 ? null : Data.Value.Decomp.GetValueOrDefault(cp);

    /// <summary>The primary composite of a starter and a following character, if one exists.</summary>
    public static bool TryCompose(int first, int second, out int composite) =>
        Data.Value.Compose.TryGetValue(((long)first << 21) | (uint)second, out composite);

    /// <summary>ftfy's fix_character_width replacement of a code point, or null.</summary>
    public static string? WidthMapping(int cp) => cp < 0x3000 ? null : Data.Value.Width.GetValueOrDefault(cp);

    /// <summary>The Cased property (Lowercase, Uppercase or Lt).</summary>
    public static bool IsCased(int cp) => InRanges(Data.Value.Cased, cp);

    /// <summary>The Case_Ignorable property.</summary>
    public static bool IsCaseIgnorable(int cp) => InRanges(Data.Value.CaseIgnorable, cp);

    private static readonly string[] AsciiLower = Enumerable.Range('a', 26).Select(c => ((char)c).ToString()).ToArray();

    private static bool InRanges(int[] ranges, int cp)
    {
        // ranges holds [start0, end0, start1, end1, ...] sorted by start.
        int lo = 0, hi = ranges.Length / 2 - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            if (cp < ranges[2 * mid]) hi = mid - 1;
            else if (cp > ranges[2 * mid + 1]) lo = mid + 1;
            else return true;
        }
        return false;
    }

    private sealed class Tables
    {
        public readonly UnicodeCategory[] Bmp = new UnicodeCategory[0x10000];
        public int[] RunStarts = [];
        public UnicodeCategory[] RunCategories = [];
        public readonly Dictionary<int, string> Lower = new();
        public readonly Dictionary<int, int> Ccc = new();
        public readonly Dictionary<int, int[]> Decomp = new();
        public readonly Dictionary<long, int> Compose = new();
        public readonly Dictionary<int, string> Width = new();
        public int[] Cased = [];
        public int[] CaseIgnorable = [];
    }

    private static Tables Load()
    {
        using var stream = typeof(PyUnicode).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new TokenizerException($"embedded resource '{ResourceName}' is missing from {typeof(PyUnicode).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        var t = new Tables();
        var starts = new List<int>();
        var cats = new List<UnicodeCategory>();
        var cased = new List<int>();
        var ignorable = new List<int>();
        string? line;
        int lineNo = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split(' ');
            try
            {
                ParseLine(t, f, starts, cats, cased, ignorable);
            }
            catch (FormatException e)
            {
                throw new TokenizerException(ResourceName, lineNo, $"malformed table line '{line}'", e);
            }
        }
        t.RunStarts = starts.ToArray();
        t.RunCategories = cats.ToArray();
        t.Cased = cased.ToArray();
        t.CaseIgnorable = ignorable.ToArray();
        for (int i = 0; i < starts.Count && starts[i] < 0x10000; i++)
        {
            int end = i + 1 < starts.Count ? Math.Min(starts[i + 1], 0x10000) : 0x10000;
            Array.Fill(t.Bmp, cats[i], starts[i], end - starts[i]);
        }
        return t;
    }

    private static void ParseLine(Tables t, string[] f, List<int> starts, List<UnicodeCategory> cats, List<int> cased, List<int> ignorable)
    {
        switch (f[0])
        {
            case "G":
                starts.Add(Hex(f[1]));
                cats.Add(CategoryFromCode(f[2]));
                break;
            case "L":
                t.Lower[Hex(f[1])] = string.Concat(f.Skip(2).Select(h => char.ConvertFromUtf32(Hex(h))));
                break;
            case "W":
                t.Width[Hex(f[1])] = string.Concat(f.Skip(2).Select(h => char.ConvertFromUtf32(Hex(h))));
                break;
            case "C":
                for (int cp = Hex(f[1]), end = Hex(f[2]), k = int.Parse(f[3], CultureInfo.InvariantCulture); cp <= end; cp++)
                    t.Ccc[cp] = k;
                break;
            case "D":
            case "X":
                int c = Hex(f[1]);
                var parts = f.Skip(2).Select(Hex).ToArray();
                t.Decomp[c] = parts;
                if (f[0] == "D" && parts.Length == 2)
                    t.Compose[((long)parts[0] << 21) | (uint)parts[1]] = c;
                break;
            case "K":
                cased.Add(Hex(f[1])); cased.Add(Hex(f[2]));
                break;
            case "I":
                ignorable.Add(Hex(f[1])); ignorable.Add(Hex(f[2]));
                break;
            default:
                throw new FormatException("unknown record kind " + f[0]);
        }
    }

    private static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static UnicodeCategory CategoryFromCode(string code)
    {
        int i = Array.IndexOf(CategoryNames, code);
        if (i < 0) throw new FormatException("unknown general category " + code);
        return (UnicodeCategory)i;
    }

    // The two-letter names in the order of System.Globalization.UnicodeCategory.
    private static readonly string[] CategoryNames =
    [
        "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co",
        "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Cn",
    ];

}
