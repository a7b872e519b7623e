using System.Numerics;
using System.Runtime.InteropServices;

namespace MedFM.Imaging.Dicom;

/// <summary>The modality LUT as a linear rescale (PS3.3 §C.11.1): real = stored · slope + intercept, into float32.</summary>
internal static class ModalityLut
{
    /// <summary>Rescales stored values of <paramref name="type"/> (bytes of <paramref name="src"/>) into <paramref name="dst"/>.</summary>
    public static void Apply(ReadOnlySpan<byte> src, VoxelType type, double slope, double intercept, Span<float> dst)
    {
        float s = (float)slope, b = (float)intercept;
        switch (type)
        {
            case VoxelType.Int16: Int16(MemoryMarshal.Cast<byte, short>(src), s, b, dst); return;
            case VoxelType.UInt16: UInt16(MemoryMarshal.Cast<byte, ushort>(src), s, b, dst); return;
            default:
                VoxelConvert.ToSingle(src, type, dst);
                if (slope != 1 || intercept != 0)
                    for (int i = 0; i < dst.Length; i++) dst[i] = (float)(dst[i] * slope + intercept);
                return;
        }
    }

    private static void Int16(ReadOnlySpan<short> src, float s, float b, Span<float> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && src.Length >= Vector<short>.Count)
        {
            var vs = new Vector<float>(s); var vb = new Vector<float>(b);
            int w = Vector<float>.Count;
            for (; i <= src.Length - Vector<short>.Count; i += Vector<short>.Count)
            {
                Vector.Widen(new Vector<short>(src[i..]), out Vector<int> lo, out Vector<int> hi);
                (Vector.ConvertToSingle(lo) * vs + vb).CopyTo(dst[i..]);
                (Vector.ConvertToSingle(hi) * vs + vb).CopyTo(dst[(i + w)..]);
            }
        }
        for (; i < src.Length; i++) dst[i] = src[i] * s + b;
    }

    private static void UInt16(ReadOnlySpan<ushort> src, float s, float b, Span<float> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && src.Length >= Vector<ushort>.Count)
        {
            var vs = new Vector<float>(s); var vb = new Vector<float>(b);
            int w = Vector<float>.Count;
            for (; i <= src.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                Vector.Widen(new Vector<ushort>(src[i..]), out Vector<uint> lo, out Vector<uint> hi);
                (Vector.ConvertToSingle(Vector.AsVectorInt32(lo)) * vs + vb).CopyTo(dst[i..]);
                (Vector.ConvertToSingle(Vector.AsVectorInt32(hi)) * vs + vb).CopyTo(dst[(i + w)..]);
            }
        }
        for (; i < src.Length; i++) dst[i] = src[i] * s + b;
    }
}
