using System.Text;

namespace MedFM.Models.Clip.Tokenizers.Text;

/// <summary>
/// Canonical Unicode normalization (NFD and NFC) over CPython's Unicode tables (see <see cref="PyUnicode"/>),
/// following the Unicode Standard Annex #15 algorithms: full canonical decomposition (Hangul algorithmically),
/// canonical ordering by combining class, then canonical composition with blocked-character checks.
/// </summary>
internal static class UnicodeNormalizer
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    /// <summary>unicodedata.normalize("NFD", text).</summary>
    public static string Nfd(string text) => IsAsciiOnly(text) ? text : ToString(Decompose(text));

    /// <summary>unicodedata.normalize("NFC", text).</summary>
    public static string Nfc(string text)
    {
        if (IsAsciiOnly(text)) return text;
        var cps = Decompose(text);
        Compose(cps);
        return ToString(cps);
    }

    private static bool IsAsciiOnly(string text)
    {
        foreach (char c in text)
            if (c >= 0x80) return false;
        return true;
    }

    private static List<int> Decompose(string text)
    {
        var cps = new List<int>(text.Length + 8);
        foreach (var rune in PyStr.CodePoints(text))
            AppendDecomposed(rune, cps);
        CanonicalOrder(cps);
        return cps;
    }

    private static void AppendDecomposed(int cp, List<int> output)
    {
        int s = cp - SBase;
        if ((uint)s < SCount)
        {
            output.Add(LBase + s / NCount);
            output.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0) output.Add(TBase + s % TCount);
            return;
        }
        var d = PyUnicode.Decomposition(cp);
        if (d is null) { output.Add(cp); return; }
        foreach (int part in d) AppendDecomposed(part, output);
    }

    /// <summary>Stable sort of each run of non-starters by combining class.</summary>
    private static void CanonicalOrder(List<int> cps)
    {
        for (int i = 1; i < cps.Count; i++)
        {
            int k = PyUnicode.CombiningClass(cps[i]);
            if (k == 0) continue;
            int j = i;
            while (j > 0)
            {
                int kp = PyUnicode.CombiningClass(cps[j - 1]);
                if (kp <= k) break;
                (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
                j--;
            }
        }
    }

    /// <summary>Canonical composition in place; cps is canonically ordered, so the characters between the last
    /// starter and the current one are non-starters sorted by class, and the last of them decides blocking.</summary>
    private static void Compose(List<int> cps)
    {
        int starter = -1, write = 0, previousClass = 0;
        for (int read = 0; read < cps.Count; read++)
        {
            int cp = cps[read];
            int k = PyUnicode.CombiningClass(cp);
            bool adjacent = write - 1 == starter;
            if (starter >= 0 && (adjacent || previousClass < k) && TryComposePair(cps[starter], cp, out int composite))
            {
                cps[starter] = composite;
                continue;
            }
            if (k == 0) starter = write;
            previousClass = k;
            cps[write++] = cp;
        }
        cps.RemoveRange(write, cps.Count - write);
    }

    private static bool TryComposePair(int first, int second, out int composite)
    {
        int l = first - LBase, v = second - VBase;
        if ((uint)l < LCount && (uint)v < VCount)
        {
            composite = SBase + (l * VCount + v) * TCount;
            return true;
        }
        int s = first - SBase, t = second - TBase;
        if ((uint)s < SCount && s % TCount == 0 && t > 0 && t < TCount)
        {
            composite = first + t;
            return true;
        }
        return PyUnicode.TryCompose(first, second, out composite);
    }

    private static string ToString(List<int> cps)
    {
        var sb = new StringBuilder(cps.Count);
        foreach (int cp in cps)
        {
            if (cp < 0x10000) sb.Append((char)cp);
            else sb.Append(char.ConvertFromUtf32(cp));
        }
        return sb.ToString();
    }
}
