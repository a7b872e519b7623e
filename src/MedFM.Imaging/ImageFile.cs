using System.IO.Compression;
using MedFM.Imaging.IO;
using MedFM.Imaging.Jpeg;
using MedFM.Imaging.Nifti;
using MedFM.Imaging.Png;

namespace MedFM.Imaging;

/// <summary>
/// Reads any supported image file into a <see cref="Volume"/>, choosing the reader by magic bytes, never by name:
/// PNG (89 50 4E 47 ...), JPEG (FF D8 FF), NIfTI-1/-2 (sizeof_hdr 348/540 with its magic, either byte order),
/// gzip whose content is NIfTI, DICOM ("DICM" at byte 128). The .img of a NIfTI pair is read through its .hdr.
/// DICOM is handed to the DICOM part of this library through the <see cref="ReadDicom"/> hook.
/// </summary>
public static partial class ImageFile
{
    private const int HeadLength = 548;

    /// <summary>
    /// Hook implemented by the DICOM side (src/MedFM.Imaging/Dicom): read <paramref name="path"/> into
    /// <paramref name="volume"/>, leaving it null when the file is not DICOM it can read. It is called for files with
    /// the DICM magic and, as a last resort, for files no other reader recognised (DICOM without preamble).
    /// </summary>
    static partial void ReadDicom(string path, ref Volume? volume);

    /// <summary>The format of a file from its leading bytes (gzip is opened to look at its content).</summary>
    public static ImageFormat Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var head = ByteSource.ReadHead(path, HeadLength);
        if (ByteSource.IsGzip(head))
        {
            try
            {
                using var z = ByteSource.OpenMaybeGzip(path, out _, out _);
                var inner = new byte[HeadLength];
                int n = ByteSource.ReadFully(z, inner);
                return IsNifti(inner.AsSpan(0, n)) ? ImageFormat.NiftiGzip : ImageFormat.Unknown;
            }
            catch (InvalidDataException) { return ImageFormat.Unknown; }
        }
        var f = Detect(head);
        if (f != ImageFormat.Unknown || !path.EndsWith(".img", StringComparison.OrdinalIgnoreCase)) return f;
        var hdr = path[..^4] + ".hdr";
        return File.Exists(hdr) && Detect(ByteSource.ReadHead(hdr, HeadLength)) == ImageFormat.Nifti ? ImageFormat.Nifti : f;
    }

    /// <summary>The format of in-memory bytes (at least the first 548 are looked at; gzip content is peeked).</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> head)
    {
        if (PngReader.IsPng(head)) return ImageFormat.Png;
        if (JpegReader.IsJpeg(head)) return ImageFormat.Jpeg;
        if (IsNifti(head)) return ImageFormat.Nifti;
        if (head.Length >= 132 && head.Slice(128, 4).SequenceEqual("DICM"u8)) return ImageFormat.Dicom;
        if (ByteSource.IsGzip(head) && IsNifti(Gunzip(head))) return ImageFormat.NiftiGzip;
        return ImageFormat.Unknown;
    }

    /// <summary>Reads a file into a volume; throws <see cref="UnknownImageFormatException"/> for unrecognised content.</summary>
    public static Volume Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var format = Detect(path);
        switch (format)
        {
            case ImageFormat.Png: return PngReader.Read(path);
            case ImageFormat.Jpeg: return JpegReader.Read(path);
            case ImageFormat.Nifti or ImageFormat.NiftiGzip: return NiftiReader.ReadVolume(path);
        }
        Volume? dicom = null;
        ReadDicom(path, ref dicom);
        if (dicom is not null) return dicom;
        if (format == ImageFormat.Dicom)
            throw new UnsupportedImageFeatureException("DICOM", path, 128, "this build has no DICOM reader registered");
        var head = ByteSource.ReadHead(path, 16);
        throw new UnknownImageFormatException(path,
            $"the leading bytes {Convert.ToHexString(head)} match no supported format (PNG, JPEG, NIfTI, NIfTI.gz, DICOM)");
    }

    /// <summary>Reads in-memory bytes of a single-file format (PNG, JPEG, NIfTI, NIfTI.gz).</summary>
    public static Volume Read(byte[] bytes, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Detect(bytes) switch
        {
            ImageFormat.Png => PngReader.Read(bytes, name),
            ImageFormat.Jpeg => JpegReader.Read(bytes, name),
            ImageFormat.Nifti or ImageFormat.NiftiGzip => NiftiReader.Read(bytes, name).Volume,
            ImageFormat.Dicom => throw new UnsupportedImageFeatureException("DICOM", name, 128, "read DICOM files by path"),
            _ => throw new UnknownImageFormatException(name,
                $"the leading bytes {Convert.ToHexString(bytes.AsSpan(0, Math.Min(16, bytes.Length)))} match no supported format"),
        };
    }

    private static bool IsNifti(ReadOnlySpan<byte> head)
    {
        if (!NiftiHeader.TryDetect(head, out int version, out _)) return false;
        return version == 1
            ? head.Length >= 348 && (head.Slice(344, 4).SequenceEqual("n+1\0"u8) || head.Slice(344, 4).SequenceEqual("ni1\0"u8))
            : head.Length >= 8 && (head.Slice(4, 4).SequenceEqual("n+2\0"u8) || head.Slice(4, 4).SequenceEqual("ni2\0"u8));
    }

    private static byte[] Gunzip(ReadOnlySpan<byte> head)
    {
        try
        {
            using var z = new GZipStream(new MemoryStream(head.ToArray()), CompressionMode.Decompress);
            var buf = new byte[HeadLength];
            int n = z.ReadAtLeast(buf, buf.Length, throwOnEndOfStream: false);
            return buf[..n];
        }
        catch (InvalidDataException) { return []; }
    }
}
