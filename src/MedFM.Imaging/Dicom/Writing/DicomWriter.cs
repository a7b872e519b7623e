using System.Buffers.Binary;
using MedFM.Imaging.IO;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Writes Part-10 files: preamble, "DICM", the file meta group (with its group length), then the dataset in Explicit VR
/// Little Endian, or, for encapsulated pixel data, in the explicit little endian encoding of the compressed syntax
/// given. Sequences and items are written with undefined lengths; big-endian source values are converted; group
/// lengths (gggg,0000) of the dataset are dropped. The file is written to a temporary name and renamed.
/// </summary>
public static class DicomWriter
{
    /// <summary>Writes <paramref name="dataset"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="syntax">Explicit VR Little Endian by default; an encapsulated syntax when the pixel data is encapsulated.</param>
    public static void Write(string path, DicomDataset dataset, TransferSyntax? syntax = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = ToBytes(dataset, syntax);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>The bytes of a Part-10 file.</summary>
    public static byte[] ToBytes(DicomDataset dataset, TransferSyntax? syntax = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var ts = syntax ?? TransferSyntax.ExplicitVRLittleEndian;
        bool encapsulated = dataset[DicomTags.PixelData]?.IsEncapsulated == true;
        if (encapsulated != ts.IsEncapsulated)
            throw new ArgumentException($"pixel data is {(encapsulated ? "encapsulated" : "native")} but the transfer syntax is {ts.Name}", nameof(syntax));
        if (ts.BigEndian || ts.Deflated || !ts.ExplicitVR)
            throw new ArgumentException($"the writer writes explicit VR little endian encodings, not {ts.Name}", nameof(syntax));
        var sop = dataset.GetString(DicomTags.SOPInstanceUID) ?? throw new ArgumentException("the dataset has no SOPInstanceUID", nameof(dataset));
        var cls = dataset.GetString(DicomTags.SOPClassUID) ?? throw new ArgumentException("the dataset has no SOPClassUID", nameof(dataset));
        var meta = new DicomDataset();
        meta.SetBytes(DicomTags.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0, 1 });
        meta.Set(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, cls);
        meta.Set(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, sop);
        meta.Set(DicomTags.TransferSyntaxUID, DicomVR.UI, ts.Uid);
        meta.Set(DicomTags.ImplementationClassUID, DicomVR.UI, DicomUid.ImplementationClassUid);
        meta.Set(DicomTags.ImplementationVersionName, DicomVR.SH, DicomUid.ImplementationVersionName);
        using var body = new MemoryStream();
        WriteElements(body, meta, dataset);
        long metaLength = body.Length;
        WriteElements(body, dataset, dataset);
        var output = new byte[132 + 12 + body.Length];
        "DICM"u8.CopyTo(output.AsSpan(128));
        // (0002,0000) UL group length of the rest of the meta group
        BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(132), 0x0002);
        "UL"u8.CopyTo(output.AsSpan(136));
        BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(138), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(140), (uint)metaLength);
        body.GetBuffer().AsSpan(0, (int)body.Length).CopyTo(output.AsSpan(144));
        return output;
    }

    private static void WriteElements(Stream s, DicomDataset ds, DicomDataset root)
    {
        foreach (var e in ds.Elements)
        {
            if (e.Tag.Element == 0x0000 && e.Tag.Group != 0x0002) continue; // group lengths are retired
            if (e.Tag == DicomTags.FileMetaInformationGroupLength) continue;
            if (e.Items is { } items) { WriteSequence(s, e.Tag, items, root); continue; }
            if (e.Fragments is { } frags) { WriteFragments(s, e, frags); continue; }
            var vr = e.VR == DicomVR.NONE ? DicomVR.UN : e.VR;
            if (e.Tag == DicomTags.PixelData && vr is DicomVR.OB or DicomVR.OW)
                vr = (root.GetInt(DicomTags.BitsAllocated) ?? 8) > 8 ? DicomVR.OW : vr;
            var value = e.LittleEndianValue().Span;
            int padded = value.Length + (value.Length & 1);
            if (!DicomVRs.HasLongLength(vr) && padded > ushort.MaxValue) vr = DicomVR.UN; // too long for its VR's 16-bit length
            WriteHeader(s, e.Tag, vr, (uint)padded);
            s.Write(value);
            if ((value.Length & 1) == 1) s.WriteByte(DicomVRs.PadByte(vr));
        }
    }

    private static void WriteHeader(Stream s, DicomTag tag, DicomVR vr, uint length)
    {
        Span<byte> h = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(h, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(h[2..], tag.Element);
        h[4] = (byte)((ushort)vr >> 8); h[5] = (byte)vr;
        if (DicomVRs.HasLongLength(vr))
        {
            h[6] = 0; h[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(h[8..], length);
            s.Write(h);
        }
        else
        {
            if (length > ushort.MaxValue)
                throw new ArgumentException($"element {tag} of VR {vr} has {length} bytes, more than a 16-bit length can hold");
            BinaryPrimitives.WriteUInt16LittleEndian(h[6..], (ushort)length);
            s.Write(h[..8]);
        }
    }

    private static void WriteItemTag(Stream s, DicomTag tag, uint length)
    {
        Span<byte> h = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(h, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(h[2..], tag.Element);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], length);
        s.Write(h);
    }

    private static void WriteSequence(Stream s, DicomTag tag, IReadOnlyList<DicomDataset> items, DicomDataset root)
    {
        WriteHeader(s, tag, DicomVR.SQ, 0xFFFFFFFF);
        foreach (var item in items)
        {
            WriteItemTag(s, DicomTags.Item, 0xFFFFFFFF);
            WriteElements(s, item, root);
            WriteItemTag(s, DicomTags.ItemDelimitationItem, 0);
        }
        WriteItemTag(s, DicomTags.SequenceDelimitationItem, 0);
    }

    private static void WriteFragments(Stream s, DicomElement e, DicomFragments frags)
    {
        WriteHeader(s, e.Tag, DicomVR.OB, 0xFFFFFFFF);
        WriteItemTag(s, DicomTags.Item, (uint)(frags.BasicOffsetTable.Length * 4));
        Span<byte> b = stackalloc byte[4];
        foreach (var o in frags.BasicOffsetTable) { BinaryPrimitives.WriteUInt32LittleEndian(b, o); s.Write(b); }
        foreach (var f in frags.Fragments)
        {
            WriteItemTag(s, DicomTags.Item, (uint)(f.Length + (f.Length & 1)));
            s.Write(f.Span);
            if ((f.Length & 1) == 1) s.WriteByte(0);
        }
        WriteItemTag(s, DicomTags.SequenceDelimitationItem, 0);
    }
}
