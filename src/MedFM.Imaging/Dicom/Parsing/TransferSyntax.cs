namespace MedFM.Imaging.Dicom;

/// <summary>How pixel data of a transfer syntax is stored: native, or encapsulated with one of these codecs.</summary>
public enum PixelCodec { Native, Rle, JpegBaseline, JpegExtended, JpegLossless, JpegLs, Jpeg2000, Other }

/// <summary>A transfer syntax (PS3.5 §10 and Annex A): byte order, VR encoding, deflate, encapsulation and codec.</summary>
public sealed record TransferSyntax(string Uid, string Name, bool ExplicitVR, bool BigEndian, bool Deflated, PixelCodec Codec)
{
    public bool IsEncapsulated => Codec != PixelCodec.Native;

    /// <summary>True for the syntaxes whose pixel data this library decodes without native code (native, RLE).</summary>
    public bool IsManaged => Codec is PixelCodec.Native or PixelCodec.Rle;

    public static readonly TransferSyntax ImplicitVRLittleEndian = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, PixelCodec.Native);
    public static readonly TransferSyntax ExplicitVRLittleEndian = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, PixelCodec.Native);
    public static readonly TransferSyntax DeflatedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, PixelCodec.Native);
    public static readonly TransferSyntax ExplicitVRBigEndian = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, PixelCodec.Native);
    public static readonly TransferSyntax RleLossless = new("1.2.840.10008.1.2.5", "RLE Lossless", true, false, false, PixelCodec.Rle);
    public static readonly TransferSyntax JpegBaseline = new("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true, false, false, PixelCodec.JpegBaseline);
    public static readonly TransferSyntax JpegExtended = new("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", true, false, false, PixelCodec.JpegExtended);
    public static readonly TransferSyntax JpegLossless = new("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", true, false, false, PixelCodec.JpegLossless);
    public static readonly TransferSyntax JpegLosslessSV1 = new("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 SV1)", true, false, false, PixelCodec.JpegLossless);
    public static readonly TransferSyntax JpegLsLossless = new("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", true, false, false, PixelCodec.JpegLs);
    public static readonly TransferSyntax JpegLsNearLossless = new("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)", true, false, false, PixelCodec.JpegLs);
    public static readonly TransferSyntax Jpeg2000Lossless = new("1.2.840.10008.1.2.4.90", "JPEG 2000 (Lossless Only)", true, false, false, PixelCodec.Jpeg2000);
    public static readonly TransferSyntax Jpeg2000 = new("1.2.840.10008.1.2.4.91", "JPEG 2000", true, false, false, PixelCodec.Jpeg2000);

    /// <summary>The syntaxes known by name.</summary>
    public static IReadOnlyList<TransferSyntax> Known { get; } =
    [
        ImplicitVRLittleEndian, ExplicitVRLittleEndian, DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, RleLossless,
        JpegBaseline, JpegExtended, JpegLossless, JpegLosslessSV1, JpegLsLossless, JpegLsNearLossless, Jpeg2000Lossless, Jpeg2000,
    ];

    /// <summary>
    /// The syntax of a UID. Unknown UIDs are taken as an encapsulated explicit VR little endian syntax (the encoding
    /// every compressed syntax uses), with codec <see cref="PixelCodec.Other"/>: the header reads, the pixels do not.
    /// </summary>
    public static TransferSyntax FromUid(string uid)
    {
        uid = uid.Trim('\0', ' ');
        foreach (var ts in Known) if (ts.Uid == uid) return ts;
        return new TransferSyntax(uid, "unknown transfer syntax " + uid, true, false, false, PixelCodec.Other);
    }

    public override string ToString() => $"{Name} ({Uid})";
}
