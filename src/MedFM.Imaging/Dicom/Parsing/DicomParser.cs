using System.Buffers.Binary;

namespace MedFM.Imaging.Dicom;

/// <summary>
/// Reads data elements from a buffer (PS3.5 §7): explicit or implicit VR, little or big endian, sequences and items of
/// defined and undefined length, encapsulated pixel data. Every length is checked against the bytes that remain, so a
/// hostile length fails with a <see cref="DicomFormatException"/> naming tag and offset instead of allocating.
/// Values are slices of the buffer (no copies).
/// </summary>
internal sealed class DicomParser
{
    /// <summary>Deepest nesting of sequences accepted.</summary>
    public const int MaxDepth = 32;

    private readonly byte[] _buf;
    private readonly string? _path;
    private readonly long _baseOffset;
    private readonly bool _partial;
    private int _pos;

    /// <param name="partial">The buffer is only the head of the file: running out of bytes throws <see cref="NeedMoreDataException"/>.</param>
    public DicomParser(byte[] buffer, int start, string? path, long baseOffset = 0, bool partial = false)
    {
        _buf = buffer; _pos = start; _path = path; _baseOffset = baseOffset; _partial = partial;
    }

    public int Position => _pos;

    /// <summary>Tag at which a top-level read stops (header-only reads stop at the pixel data); null reads everything.</summary>
    public DicomTag? StopAt { get; init; }

    /// <summary>True when a top-level read stopped at <see cref="StopAt"/>.</summary>
    public bool Stopped { get; private set; }

    public bool ExplicitVR { get; init; }
    public bool BigEndian { get; init; }

    /// <summary>Encapsulated pixel data is expected (the transfer syntax is a compressed one).</summary>
    public bool Encapsulated { get; init; }

    internal sealed class NeedMoreDataException : Exception { }

    private DicomFormatException Error(long at, DicomTag? tag, string detail) => new(_path, _baseOffset + at, tag, detail);

    private void Need(int count, DicomTag? tag, string what)
    {
        if (_buf.Length - _pos >= count) return;
        if (_partial) throw new NeedMoreDataException();
        throw Error(_pos, tag, $"the file ends inside {what}: {count} bytes needed, {_buf.Length - _pos} left");
    }

    private ushort U16(int at, bool be) => be ? BinaryPrimitives.ReadUInt16BigEndian(_buf.AsSpan(at)) : BinaryPrimitives.ReadUInt16LittleEndian(_buf.AsSpan(at));
    private uint U32(int at, bool be) => be ? BinaryPrimitives.ReadUInt32BigEndian(_buf.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(_buf.AsSpan(at));

    /// <summary>Reads the top-level dataset up to the end of the buffer (or <see cref="StopAt"/>).</summary>
    public void ReadDataset(DicomDataset into) => ReadElements(into, _buf.Length, ExplicitVR, BigEndian, 0, topLevel: true, undefinedItem: false);

    /// <summary>Reads elements while their group is 0002 (the file meta group, always explicit VR little endian).</summary>
    public void ReadMetaGroup(DicomDataset into, bool explicitVR)
    {
        while (_buf.Length - _pos >= 4 && U16(_pos, false) == 0x0002)
            into.Add(ReadElement(explicitVR, false, 0, into.CharacterSet));
    }

    private void ReadElements(DicomDataset into, int end, bool explicitVR, bool be, int depth, bool topLevel, bool undefinedItem)
    {
        while (_pos < end || (_partial && topLevel))
        {
            if (topLevel && _pos >= _buf.Length && !_partial) break;
            Need(4, null, "an element tag");
            var tag = new DicomTag(U16(_pos, be), U16(_pos + 2, be));
            if (tag == DicomTags.ItemDelimitationItem)
            {
                if (!undefinedItem) throw Error(_pos, tag, "item delimitation outside an item of undefined length");
                Need(8, tag, "an item delimitation");
                _pos += 8;
                return;
            }
            if (tag.Group == 0xFFFE)
                throw Error(_pos, tag, "item or sequence delimitation tag where a data element was expected");
            if (topLevel && StopAt is { } stop && tag >= stop) { Stopped = true; return; }
            var el = ReadElement(explicitVR, be, depth, into.CharacterSet);
            if (_pos > end) throw Error(el.Offset, tag, $"the value runs {_pos - end} bytes past the end of its enclosing item");
            into.Add(el);
        }
        if (undefinedItem) throw Error(_pos, null, "an item of undefined length has no item delimitation before its end");
    }

    private DicomElement ReadElement(bool explicitVR, bool be, int depth, DicomCharacterSet charset)
    {
        int start = _pos;
        Need(8, null, "an element header");
        var tag = new DicomTag(U16(_pos, be), U16(_pos + 2, be));
        DicomVR vr;
        uint length;
        if (explicitVR)
        {
            if (!DicomVRs.TryParse(_buf[_pos + 4], _buf[_pos + 5], out vr))
                throw Error(_pos + 4, tag, $"invalid VR bytes {_buf[_pos + 4]:X2} {_buf[_pos + 5]:X2} in an explicit VR dataset");
            if (DicomVRs.HasLongLength(vr))
            {
                Need(12, tag, "an element header");
                length = U32(_pos + 8, be);
                _pos += 12;
            }
            else
            {
                length = U16(_pos + 6, be);
                _pos += 8;
            }
        }
        else
        {
            vr = DicomDictionary.VROf(tag);
            length = U32(_pos + 4, be);
            _pos += 8;
        }
        return ReadValue(tag, vr, length, explicitVR, be, depth, charset, start);
    }

    private DicomElement ReadValue(DicomTag tag, DicomVR vr, uint length, bool explicitVR, bool be, int depth, DicomCharacterSet charset, int start)
    {
        if (length == 0xFFFFFFFF)
        {
            if (tag == DicomTags.PixelData && (Encapsulated || vr is DicomVR.OB or DicomVR.OW) && depth == 0)
                return new DicomElement(tag, vr, ReadFragments(tag, be), _baseOffset + start);
            if (vr == DicomVR.SQ || (vr == DicomVR.UN))
            {
                // Explicit VR UN of undefined length holds an implicit VR little endian sequence (PS3.5 §6.2.2).
                bool innerExplicit = vr == DicomVR.SQ && explicitVR;
                bool innerBe = vr == DicomVR.SQ && be;
                return new DicomElement(tag, ReadItems(tag, int.MaxValue, innerExplicit, innerBe, depth, charset, undefined: true), _baseOffset + start);
            }
            throw Error(start, tag, $"undefined length (FFFFFFFF) on an element of VR {vr}, which is not a sequence");
        }
        if (length > (uint)(_buf.Length - _pos))
        {
            if (_partial) throw new NeedMoreDataException();
            throw Error(start, tag, $"value length {length} exceeds the {_buf.Length - _pos} bytes left in the file");
        }
        int len = (int)length;
        if (vr == DicomVR.SQ)
            return new DicomElement(tag, ReadItems(tag, _pos + len, explicitVR, be, depth, charset, undefined: false), _baseOffset + start);
        var value = new ReadOnlyMemory<byte>(_buf, _pos, len);
        long at = _baseOffset + _pos;
        _pos += len;
        return new DicomElement(tag, vr, value, be, at);
    }

    private List<DicomDataset> ReadItems(DicomTag seqTag, int end, bool explicitVR, bool be, int depth, DicomCharacterSet charset, bool undefined)
    {
        if (depth + 1 > MaxDepth) throw Error(_pos, seqTag, $"sequences nested deeper than {MaxDepth} levels");
        var items = new List<DicomDataset>();
        while (undefined || _pos < end)
        {
            Need(8, seqTag, "a sequence item header");
            var tag = new DicomTag(U16(_pos, be), U16(_pos + 2, be));
            uint len = U32(_pos + 4, be);
            if (tag == DicomTags.SequenceDelimitationItem)
            {
                if (!undefined) throw Error(_pos, seqTag, "sequence delimitation item in a sequence of defined length");
                _pos += 8;
                return items;
            }
            if (tag != DicomTags.Item)
                throw Error(_pos, seqTag, $"expected an item tag (FFFE,E000) in the sequence, found {tag}");
            _pos += 8;
            var item = new DicomDataset(charset);
            if (len == 0xFFFFFFFF)
                ReadElements(item, int.MaxValue, explicitVR, be, depth + 1, topLevel: false, undefinedItem: true);
            else
            {
                if (len > (uint)(_buf.Length - _pos) || _pos + (long)len > end)
                {
                    if (_partial && len <= (uint)(end - _pos)) throw new NeedMoreDataException();
                    throw Error(_pos - 8, seqTag, $"item length {len} exceeds the {Math.Min(_buf.Length, end) - _pos} bytes left in the sequence");
                }
                ReadElements(item, _pos + (int)len, explicitVR, be, depth + 1, topLevel: false, undefinedItem: false);
            }
            items.Add(item);
        }
        if (_pos != end) throw Error(_pos, seqTag, "the last item runs past the end of the sequence");
        return items;
    }

    private DicomFragments ReadFragments(DicomTag tag, bool be)
    {
        var fragments = new List<ReadOnlyMemory<byte>>();
        var offsets = new List<long>();
        uint[]? bot = null;
        long firstItem = -1;
        while (true)
        {
            Need(8, tag, "an encapsulated pixel data item header");
            var itemTag = new DicomTag(U16(_pos, be), U16(_pos + 2, be));
            uint len = U32(_pos + 4, be);
            if (itemTag == DicomTags.SequenceDelimitationItem) { _pos += 8; break; }
            if (itemTag != DicomTags.Item)
                throw Error(_pos, tag, $"expected a fragment item (FFFE,E000) in encapsulated pixel data, found {itemTag}");
            if (len == 0xFFFFFFFF || len > (uint)(_buf.Length - _pos - 8))
            {
                if (_partial) throw new NeedMoreDataException();
                throw Error(_pos, tag, $"fragment length {(len == 0xFFFFFFFF ? "undefined" : len.ToString(System.Globalization.CultureInfo.InvariantCulture))} exceeds the {_buf.Length - _pos - 8} bytes left");
            }
            int itemStart = _pos;
            _pos += 8;
            if (bot is null)
            {
                if (len % 4 != 0) throw Error(itemStart, tag, $"basic offset table length {len} is not a multiple of 4");
                bot = new uint[len / 4];
                for (int i = 0; i < bot.Length; i++) bot[i] = U32(_pos + 4 * i, be);
            }
            else
            {
                if (firstItem < 0) firstItem = itemStart;
                offsets.Add(itemStart - firstItem);
                fragments.Add(new ReadOnlyMemory<byte>(_buf, _pos, (int)len));
            }
            _pos += (int)len;
        }
        return new DicomFragments(bot ?? [], fragments, offsets);
    }
}
