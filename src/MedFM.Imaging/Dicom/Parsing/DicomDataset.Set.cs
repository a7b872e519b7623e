using System.Buffers.Binary;
using System.Globalization;

namespace MedFM.Imaging.Dicom;

/// <summary>Setters: elements made in memory are little-endian, text padded to even length as PS3.5 requires.</summary>
public sealed partial class DicomDataset
{
    /// <summary>Sets a text element; several values are joined with backslashes. A null or empty value gives a zero-length element.</summary>
    public DicomDataset Set(DicomTag tag, DicomVR vr, params string?[] values)
    {
        var text = string.Join('\\', values.Select(v => v ?? ""));
        var bytes = DicomVRs.UsesCharacterSet(vr) ? CharacterSet.Encode(text) : System.Text.Encoding.ASCII.GetBytes(text);
        if ((bytes.Length & 1) == 1) bytes = [.. bytes, DicomVRs.PadByte(vr)];
        Add(new DicomElement(tag, vr, bytes));
        return this;
    }

    /// <summary>Sets a text element with the VR of the dictionary.</summary>
    public DicomDataset Set(DicomTag tag, params string?[] values) => Set(tag, DicomDictionary.VROf(tag), values);

    /// <summary>Sets decimal strings (DS) from numbers, each formatted in at most 16 characters.</summary>
    public DicomDataset SetDecimals(DicomTag tag, params double[] values) =>
        Set(tag, DicomVR.DS, values.Select(FormatDecimal).ToArray());

    /// <summary>Formats a number as a DS value (≤ 16 characters, invariant culture).</summary>
    public static string FormatDecimal(double v)
    {
        if (v == 0) return "0";
        for (int digits = 15; digits > 0; digits--)
        {
            var s = v.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (s.Length <= 16) return s;
        }
        return v.ToString("E6", CultureInfo.InvariantCulture);
    }

    public DicomDataset SetUInt16(DicomTag tag, params ushort[] values)
    {
        var b = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(i * 2), values[i]);
        Add(new DicomElement(tag, DicomVR.US, b));
        return this;
    }

    public DicomDataset SetUInt32(DicomTag tag, DicomVR vr, params uint[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(i * 4), values[i]);
        Add(new DicomElement(tag, vr, b));
        return this;
    }

    /// <summary>Sets an AT element (tags as two 16-bit values each).</summary>
    public DicomDataset SetTags(DicomTag tag, params DicomTag[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(i * 4), values[i].Group);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(i * 4 + 2), values[i].Element);
        }
        Add(new DicomElement(tag, DicomVR.AT, b));
        return this;
    }

    public DicomDataset SetBytes(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> bytes)
    {
        Add(new DicomElement(tag, vr, bytes));
        return this;
    }

    public DicomDataset SetSequence(DicomTag tag, params DicomDataset[] items)
    {
        Add(new DicomElement(tag, items));
        return this;
    }

    /// <summary>A shallow copy: the same element objects (values are immutable), a new container.</summary>
    public DicomDataset ShallowCopy()
    {
        var d = new DicomDataset(CharacterSet);
        foreach (var e in _elements.Values) d._elements[e.Tag.Value] = e;
        return d;
    }
}
