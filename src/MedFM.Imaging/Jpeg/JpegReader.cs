namespace MedFM.Imaging.Jpeg;

/// <summary>
/// A managed JPEG decoder (reference: ITU-T T.81; libjpeg-turbo jdhuff.c, jdphuff.c, jidctint.c, jdsample.c,
/// jdcolor.c for the exact default behaviour): baseline, extended sequential and progressive Huffman, 8-bit,
/// restart markers, grey or YCbCr (any integral chroma subsampling: 4:4:4, 4:2:2, 4:2:0, 4:4:0, ...) or RGB
/// (Adobe APP14 transform 0 or 'R','G','B' component ids). It uses libjpeg's default islow IDCT, fancy upsampling
/// and fixed-point colour conversion, so its output equals libjpeg-turbo's (PIL's) for valid files.
/// The result is a 2-D UInt8 <see cref="Volume"/>: 1 component (grey) or 3 (RGB), unknown geometry.
/// Lossless (SOF3, as used by some DICOM), hierarchical, arithmetic-coded, 12-bit and CMYK files throw
/// <see cref="UnsupportedImageFeatureException"/>.
/// </summary>
public static class JpegReader
{
    /// <summary>True when the bytes start with SOI followed by a marker (FF D8 FF).</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> head) => head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;

    /// <summary>Reads markers up to the frame header only.</summary>
    public static JpegHeader Identify(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var d = new JpegDecoder(File.ReadAllBytes(path), path);
        d.Run(headerOnly: true);
        return d.Header;
    }

    public static Volume Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(File.ReadAllBytes(path), path);
    }

    public static Volume Read(byte[] bytes, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var d = new JpegDecoder(bytes, name);
        d.Run(headerOnly: false);
        var h = d.Header;
        var pixels = d.Output();
        return new Volume(new VolumeShape(h.Width, h.Height, 1, h.Components), pixels);
    }
}
