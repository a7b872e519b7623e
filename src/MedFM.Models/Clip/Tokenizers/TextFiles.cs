using System.Text;

namespace MedFM.Models.Clip.Tokenizers;

/// <summary>Strict UTF-8 reading of vocabulary files, reporting the line of an invalid byte.</summary>
internal static class TextFiles
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string ReadUtf8(Stream stream, string name)
    {
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return DecodeUtf8(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), name);
    }

    /// <summary>Decodes UTF-8 (a byte-order mark is kept as U+FEFF, as Python's "utf-8" codec keeps it).</summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes, string name)
    {
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            int offset = Math.Clamp(e.Index, 0, bytes.Length);
            int line = 1 + bytes[..offset].Count((byte)'\n');
            throw new TokenizerException(name, line, $"not UTF-8 text (invalid byte at offset {offset})", e);
        }
    }
}
