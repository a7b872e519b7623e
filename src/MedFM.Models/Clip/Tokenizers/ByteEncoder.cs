namespace MedFM.Models.Clip.Tokenizers;

/// <summary>
/// The reversible byte ↔ character table of byte-level BPE (bytes_to_unicode in github:openai/CLIP
/// clip/simple_tokenizer.py and github:mlfoundations/open_clip src/open_clip/tokenizer.py): the printable bytes
/// '!'..'~', '¡'..'¬', '®'..'ÿ' stand for themselves, every other byte b becomes U+0100 + (its rank among them).
/// <see cref="Order"/> lists the bytes in the table's order, which is also the order of the first 256 vocabulary
/// entries.
/// </summary>
public static class ByteEncoder
{
    private static readonly char[] ByteToChar = new char[256];
    private static readonly byte[] Ordered = new byte[256];
    private static readonly Dictionary<char, byte> CharToByte = new(256);

    static ByteEncoder()
    {
        int k = 0;
        for (int b = 0; b < 256; b++)
        {
            if (!IsPrintable(b)) continue;
            ByteToChar[b] = (char)b;
            Ordered[k++] = (byte)b;
        }
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            if (IsPrintable(b)) continue;
            ByteToChar[b] = (char)(256 + n++);
            Ordered[k++] = (byte)b;
        }
        for (int b = 0; b < 256; b++) CharToByte[ByteToChar[b]] = (byte)b;
    }

    private static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;

    /// <summary>The character that stands for a byte.</summary>
    public static char Encode(byte b) => ByteToChar[b];

    /// <summary>The bytes in the table's order (index i = vocabulary id i).</summary>
    public static ReadOnlySpan<byte> Order => Ordered;

    /// <summary>The byte a character stands for; false when the character is not in the table.</summary>
    public static bool TryDecode(char c, out byte b) => CharToByte.TryGetValue(c, out b);

    /// <summary>UTF-8 bytes of a piece of text, each replaced by its character.</summary>
    public static string EncodeUtf8(ReadOnlySpan<char> text)
    {
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
        int count = System.Text.Encoding.UTF8.GetBytes(text, bytes);
        Span<char> chars = count <= 512 ? stackalloc char[count] : new char[count];
        for (int i = 0; i < count; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }
}
