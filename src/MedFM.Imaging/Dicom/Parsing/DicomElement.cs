using System.Buffers.Binary;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// One data element: tag, VR and value. A plain value is kept as its bytes (in the byte order of the file,
/// <see cref="BigEndian"/>), sharing the buffer the file was read into; a sequence (SQ) holds its items; encapsulated
/// pixel data holds its fragments.
/// </summary>
public sealed class DicomElement
{
    public DicomElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value, bool bigEndian = false, long offset = -1)
    {
        Tag = tag; VR = vr; Value = value; BigEndian = bigEndian; Offset = offset;
    }

    public DicomElement(DicomTag tag, IReadOnlyList<DicomDataset> items, long offset = -1)
    {
        Tag = tag; VR = DicomVR.SQ; Items = items; Offset = offset;
    }

    public DicomElement(DicomTag tag, DicomVR vr, DicomFragments fragments, long offset = -1)
    {
        Tag = tag; VR = vr; Fragments = fragments; Offset = offset;
    }

    public DicomTag Tag { get; }
    public DicomVR VR { get; }

    /// <summary>The value bytes as stored (empty for sequences and encapsulated pixel data).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>True when the binary value is big-endian (read from an Explicit VR Big Endian file).</summary>
    public bool BigEndian { get; }

    /// <summary>Byte offset of the element's value in the (decoded) file, or -1 for an element made in memory.</summary>
    public long Offset { get; }

    /// <summary>The items of a sequence (VR SQ), else null.</summary>
    public IReadOnlyList<DicomDataset>? Items { get; }

    /// <summary>The offset table and fragments of encapsulated pixel data, else null.</summary>
    public DicomFragments? Fragments { get; }

    public bool IsSequence => Items is not null;
    public bool IsEncapsulated => Fragments is not null;

    /// <summary>Value length in bytes (of the plain value).</summary>
    public int Length => Value.Length;

    /// <summary>The i-th unsigned 16-bit value (US, OW, or a 16-bit AT half).</summary>
    public ushort UInt16At(int i)
    {
        var s = Value.Span.Slice(i * 2, 2);
        return BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
    }

    public short Int16At(int i) => unchecked((short)UInt16At(i));

    public uint UInt32At(int i)
    {
        var s = Value.Span.Slice(i * 4, 4);
        return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
    }

    public int Int32At(int i) => unchecked((int)UInt32At(i));

    public float SingleAt(int i) => BitConverter.Int32BitsToSingle(Int32At(i));

    public double DoubleAt(int i)
    {
        var s = Value.Span.Slice(i * 8, 8);
        return BitConverter.Int64BitsToDouble(BigEndian ? BinaryPrimitives.ReadInt64BigEndian(s) : BinaryPrimitives.ReadInt64LittleEndian(s));
    }

    /// <summary>The value bytes in little-endian order (a copy when the element is big-endian and multi-byte).</summary>
    public ReadOnlyMemory<byte> LittleEndianValue()
    {
        int size = DicomVRs.SwapSize(VR);
        if (!BigEndian || size == 1) return Value;
        var copy = Value.ToArray();
        DicomByteOrder.Swap(copy, size);
        return copy;
    }

    public override string ToString() =>
        $"{Tag} {VR} " + (IsSequence ? $"{Items!.Count} item(s)" : IsEncapsulated ? $"{Fragments!.Count} fragment(s)" : $"{Length} bytes");
}

/// <summary>Encapsulated pixel data (PS3.5 §A.4): the basic offset table and the fragments, in order.</summary>
public sealed class DicomFragments
{
    public DicomFragments(uint[] basicOffsetTable, IReadOnlyList<ReadOnlyMemory<byte>> fragments, IReadOnlyList<long> itemOffsets)
    {
        BasicOffsetTable = basicOffsetTable; Fragments = fragments; ItemOffsets = itemOffsets;
    }

    /// <summary>Offsets of each frame's first fragment item, relative to the first fragment item (may be empty).</summary>
    public uint[] BasicOffsetTable { get; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Fragments { get; }

    /// <summary>Offset of each fragment's item tag relative to the first fragment item (what offset tables point to).</summary>
    public IReadOnlyList<long> ItemOffsets { get; }

    public int Count => Fragments.Count;
}

/// <summary>Byte swapping of value arrays.</summary>
public static class DicomByteOrder
{
    /// <summary>Reverses every <paramref name="size"/>-byte group of <paramref name="data"/> in place (size 2, 4 or 8).</summary>
    public static void Swap(Span<byte> data, int size)
    {
        int n = data.Length / size * size;
        switch (size)
        {
            case 2:
                {
                    var u = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(data[..n]);
                    BinaryPrimitives.ReverseEndianness(u, u);
                    break;
                }
            case 4:
                {
                    var u = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(data[..n]);
                    BinaryPrimitives.ReverseEndianness(u, u);
                    break;
                }
            case 8:
                {
                    var u = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(data[..n]);
                    BinaryPrimitives.ReverseEndianness(u, u);
                    break;
                }
        }
    }
}
