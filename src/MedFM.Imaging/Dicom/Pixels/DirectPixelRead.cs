using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Reads native pixel data straight from an open file into a pooled buffer, after a header-only read: the pixel data
/// element's header is read at the offset where the header read stopped, then exactly the pixel bytes. Used by the
/// series reader so that a slice costs two small reads and no large allocation; anything it does not cover (encapsulated,
/// deflated or big-endian syntaxes, colour, 1-bit, MONOCHROME1, another element before the pixel data) goes the general
/// way through <see cref="DicomPixelSource"/>.
/// </summary>
internal static class DirectPixelRead
{
    /// <summary>True when the pixels of <paramref name="header"/> may be read directly (decided from the header alone).</summary>
    public static bool Covers(DicomFile header, DicomPixelInfo info)
    {
        var ts = header.TransferSyntax;
        return BitConverter.IsLittleEndian && header.IsHeaderOnly && header.HeaderEnd >= 0
            && !ts.IsEncapsulated && !ts.BigEndian && !ts.Deflated
            && info.SamplesPerPixel == 1 && info.BitsAllocated is 8 or 16 or 32 && info.Photometric == "MONOCHROME2";
    }

    /// <summary>
    /// The stored values of every frame (little-endian, masked to bits stored and sign-extended, in the type
    /// <see cref="NativeUnpack.StoredType"/> gives) in the first <see cref="DicomPixelInfo.TotalBytes"/> bytes of an
    /// array rented from <see cref="ArrayPool{T}.Shared"/>, which the caller returns; null when the element at the end of
    /// the header is not native pixel data (the caller then reads the file the general way). Throws
    /// <see cref="DicomFormatException"/> for pixel data shorter than the header describes or running past the file.
    /// </summary>
    public static byte[]? TryRead(SafeFileHandle handle, DicomFile header, DicomPixelInfo info)
    {
        var path = header.FilePath;
        long at = header.HeaderEnd, fileLength = RandomAccess.GetLength(handle);
        Span<byte> head = stackalloc byte[12];
        bool isExplicit = header.TransferSyntax.ExplicitVR;
        int headLength = isExplicit ? 12 : 8;
        if (fileLength - at < headLength) return null;
        DicomFileReader.ReadExactlyAt(handle, head[..headLength], at, path);
        var tag = new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(head), BinaryPrimitives.ReadUInt16LittleEndian(head[2..]));
        if (tag != DicomTags.PixelData) return null;
        uint length;
        if (isExplicit)
        {
            if (!DicomVRs.TryParse(head[4], head[5], out var vr) || vr is not (DicomVR.OB or DicomVR.OW)) return null;
            length = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
        }
        else length = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
        if (length == 0xFFFFFFFF)
            throw new DicomFormatException(path, at, DicomTags.PixelData, "encapsulated pixel data in a native transfer syntax");
        long need = info.TotalBytes, valueAt = at + headLength;
        if (length < need)
            throw new DicomFormatException(path, at, DicomTags.PixelData,
                $"pixel data has {length} bytes, {need} needed for {info.NumberOfFrames} frame(s) of {info.Rows}×{info.Columns}×{info.SamplesPerPixel} at {info.BitsAllocated} bits");
        if (length > fileLength - valueAt)
            throw new DicomFormatException(path, at, DicomTags.PixelData, $"value length {length} exceeds the {fileLength - valueAt} bytes left in the file");
        if (need > Array.MaxLength) return null;
        var buffer = ArrayPool<byte>.Shared.Rent((int)need);
        try
        {
            var bytes = buffer.AsSpan(0, (int)need);
            DicomFileReader.ReadExactlyAt(handle, bytes, valueAt, path);
            if (info.BitsStored != info.BitsAllocated)
                for (int f = 0; f < info.NumberOfFrames; f++)
                {
                    var frame = bytes.Slice(checked((int)(f * info.FrameBytes)), (int)info.FrameBytes);
                    NativeUnpack.Frame(frame, 0, info, 0, frame); // in place: element by element
                }
            return buffer;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
