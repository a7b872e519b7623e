using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// UIDs under the 2.25 root (PS3.5 §B.2): "2.25." followed by a 128-bit number as a decimal integer. Random ones from a
/// UUID, deterministic ones from a SHA-256 of a name (same name → same UID), so no organisation root is needed.
/// </summary>
public static class DicomUid
{
    /// <summary>MedFM's implementation class UID (fixed).</summary>
    public static readonly string ImplementationClassUid = FromName("MedFM implementation class");
    public const string ImplementationVersionName = "MEDFM_0_1";

    /// <summary>A new random UID.</summary>
    public static string Generate() => FromBytes(Guid.NewGuid().ToByteArray());

    /// <summary>A UID determined by <paramref name="name"/> (e.g. salt + original UID for de-identification).</summary>
    public static string FromName(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        return FromBytes(hash.AsSpan(0, 16).ToArray());
    }

    private static string FromBytes(byte[] sixteen)
    {
        sixteen[6] = (byte)((sixteen[6] & 0x0F) | 0x40); // version-4 style bits, as a UUID would carry
        sixteen[8] = (byte)((sixteen[8] & 0x3F) | 0x80);
        var n = new BigInteger(sixteen, isUnsigned: true, isBigEndian: true);
        return "2.25." + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>True for a syntactically valid UID: ≤ 64 characters, dot-separated numbers without leading zeros.</summary>
    public static bool IsValid(string uid)
    {
        if (string.IsNullOrEmpty(uid) || uid.Length > 64) return false;
        foreach (var part in uid.Split('.'))
        {
            if (part.Length == 0 || !part.All(char.IsAsciiDigit)) return false;
            if (part.Length > 1 && part[0] == '0') return false;
        }
        return true;
    }
}
