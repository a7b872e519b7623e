using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Native pixel layouts to typed stored values: 1-bit unpacking (least significant bit first), bits-stored masking with
/// the high bit honoured, sign extension for signed data, planar-to-interleaved. Input frames are little-endian.
/// </summary>
internal static class NativeUnpack
{
    /// <summary>The voxel type that holds stored values: by bits allocated and pixel representation (1-bit → UInt8).</summary>
    public static VoxelType StoredType(DicomPixelInfo p) => p.BitsAllocated switch
    {
        1 => VoxelType.UInt8,
        8 => p.Signed ? VoxelType.Int8 : VoxelType.UInt8,
        16 => p.Signed ? VoxelType.Int16 : VoxelType.UInt16,
        _ => p.Signed ? VoxelType.Int32 : VoxelType.UInt32,
    };

    /// <summary>
    /// Unpacks one frame (<paramref name="src"/>: native bytes, or for 1-bit the packed bits starting at
    /// <paramref name="bitOffset"/>) into <paramref name="dst"/>, a span of the stored type of length pixels·samples,
    /// interleaved. <paramref name="planar"/> is the planar configuration of <paramref name="src"/>.
    /// </summary>
    public static void Frame(ReadOnlySpan<byte> src, long bitOffset, DicomPixelInfo p, int planar, Span<byte> dst)
    {
        int n = checked((int)(p.PixelsPerFrame * p.SamplesPerPixel));
        switch (p.BitsAllocated)
        {
            case 1:
                for (int i = 0; i < n; i++)
                {
                    long bit = bitOffset + i;
                    dst[i] = (byte)((src[(int)(bit >> 3)] >> (int)(bit & 7)) & 1);
                }
                return;
            case 8:
                Unpack8(src[..n], p, dst[..n]);
                break;
            case 16:
                Unpack16(src[..(n * 2)], p, MemoryMarshal.Cast<byte, ushort>(dst[..(n * 2)]));
                break;
            default:
                Unpack32(src[..(n * 4)], p, MemoryMarshal.Cast<byte, uint>(dst[..(n * 4)]));
                break;
        }
        if (planar == 1 && p.SamplesPerPixel == 3) Interleave(dst, p.BitsAllocated / 8, (int)p.PixelsPerFrame);
    }

    private static void Unpack8(ReadOnlySpan<byte> src, DicomPixelInfo p, Span<byte> dst)
    {
        if (p.BitsStored == 8) { src.CopyTo(dst); return; }
        int shift = p.HighBit + 1 - p.BitsStored, bits = p.BitsStored;
        int mask = (1 << bits) - 1, sign = 1 << (bits - 1);
        for (int i = 0; i < src.Length; i++)
        {
            int v = (src[i] >> shift) & mask;
            if (p.Signed && (v & sign) != 0) v -= 1 << bits;
            dst[i] = unchecked((byte)v);
        }
    }

    private static void Unpack16(ReadOnlySpan<byte> src, DicomPixelInfo p, Span<ushort> dst)
    {
        var s = MemoryMarshal.Cast<byte, ushort>(src);
        if (!BitConverter.IsLittleEndian) { BinaryPrimitives.ReverseEndianness(s, dst); s = dst; }
        if (p.BitsStored == 16) { if (s != dst) s.CopyTo(dst); return; }
        int shift = p.HighBit + 1 - p.BitsStored, bits = p.BitsStored;
        int mask = (1 << bits) - 1, sign = 1 << (bits - 1);
        if (!p.Signed)
        {
            for (int i = 0; i < s.Length; i++) dst[i] = (ushort)((s[i] >> shift) & mask);
            return;
        }
        for (int i = 0; i < s.Length; i++)
        {
            int v = (s[i] >> shift) & mask;
            dst[i] = unchecked((ushort)((v ^ sign) - sign));
        }
    }

    private static void Unpack32(ReadOnlySpan<byte> src, DicomPixelInfo p, Span<uint> dst)
    {
        var s = MemoryMarshal.Cast<byte, uint>(src);
        if (p.BitsStored == 32) { s.CopyTo(dst); return; }
        int shift = p.HighBit + 1 - p.BitsStored, bits = p.BitsStored;
        long mask = (1L << bits) - 1, sign = 1L << (bits - 1);
        for (int i = 0; i < s.Length; i++)
        {
            long v = (s[i] >> shift) & mask;
            if (p.Signed) v = (v ^ sign) - sign;
            dst[i] = unchecked((uint)v);
        }
    }

    /// <summary>RRR…GGG…BBB… to RGBRGB… in place (element size 1, 2 or 4 bytes).</summary>
    public static void Interleave(Span<byte> data, int elementSize, int pixels)
    {
        var copy = data[..(pixels * 3 * elementSize)].ToArray();
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < pixels; i++)
                copy.AsSpan((c * pixels + i) * elementSize, elementSize).CopyTo(data.Slice((i * 3 + c) * elementSize, elementSize));
    }
}
