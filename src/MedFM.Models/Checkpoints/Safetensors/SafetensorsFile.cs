using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MedFM.Models.Checkpoints.Safetensors;

/// <summary>
/// Reads and writes safetensors files (format: github.com/huggingface/safetensors, safetensors/src/tensor.rs).
/// Reading memory-maps the file and validates the whole header before any tensor is exposed; tensor bytes are
/// read only on conversion. Writing follows the reference writer: tensors ordered by descending dtype alignment,
/// then by name (so every tensor's data is aligned to its element size), compact JSON header padded with spaces to
/// a multiple of 8 bytes, written to a temporary file and renamed.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>Opens a file; the returned state dict owns the mapping (dispose it when done).</summary>
    public static StateDict Read(string path)
    {
        var src = ByteSource.Open(path);
        try { return Read(src); }
        catch { src.Dispose(); throw; }
    }

    /// <summary>Reads a safetensors image held in memory; <paramref name="name"/> names it in errors.</summary>
    public static StateDict Read(byte[] data, string name = "<memory>") => Read(new ArraySource(data, name));

    /// <summary>Reads and validates only the header (names, dtypes, shapes, offsets, metadata).</summary>
    public static SafetensorsHeader ReadHeader(string path)
    {
        using var src = ByteSource.Open(path);
        return SafetensorsHeader.Parse(src);
    }

    private static StateDict Read(ByteSource src)
    {
        var h = SafetensorsHeader.Parse(src);
        var tensors = new List<CheckpointTensor>(h.Entries.Count);
        foreach (var e in h.Entries)
        {
            var storage = new SourceStorage(src, h.DataStart + e.Begin, e.End - e.Begin, e.Name, bigEndian: false);
            tensors.Add(new CheckpointTensor(e.Name, e.DType, e.Shape, MedFM.Tensors.IO.RawElements.ContiguousStrides(e.Shape), 0, storage));
        }
        return new StateDict(tensors, h.Metadata, src.Name, src);
    }

    /// <summary>Writes tensors (any layout; written C-contiguous, little-endian) and optional string metadata.</summary>
    public static void Write(string path, IEnumerable<CheckpointTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = Order(tensors);
        var header = Header(ordered, metadata);
        using var file = MedFM.Tensors.IO.AtomicFileWriter.Create(path);
        file.Stream.Write(header);
        foreach (var t in ordered) WriteData(file.Stream, t);
        file.Commit();
    }

    /// <summary>The bytes <see cref="Write"/> would write.</summary>
    public static byte[] Encode(IEnumerable<CheckpointTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = Order(tensors);
        using var ms = new MemoryStream();
        ms.Write(Header(ordered, metadata));
        foreach (var t in ordered) WriteData(ms, t);
        return ms.ToArray();
    }

    /// <summary>The reference writer's order: descending dtype alignment (its Dtype enum order), then name bytes.</summary>
    private static List<CheckpointTensor> Order(IEnumerable<CheckpointTensor> tensors)
    {
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in list)
        {
            if (t.Name.Length == 0) throw new ArgumentException("every tensor written to safetensors needs a name");
            if (t.Name == "__metadata__") throw new ArgumentException("'__metadata__' is reserved in safetensors headers");
            if (!names.Add(t.Name)) throw new ArgumentException($"the tensor name '{t.Name}' appears twice");
        }
        list.Sort((a, b) =>
        {
            int c = Rank(b.DType).CompareTo(Rank(a.DType));
            return c != 0 ? c : Encoding.UTF8.GetBytes(a.Name).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b.Name));
        });
        return list;
    }

    /// <summary>Position in the reference's Dtype enum, which lists dtypes in increasing alignment.</summary>
    private static int Rank(CheckpointDType t) => t switch
    {
        CheckpointDType.Bool => 0, CheckpointDType.U8 => 4, CheckpointDType.I8 => 5, CheckpointDType.I16 => 11,
        CheckpointDType.F16 => 13, CheckpointDType.BF16 => 14, CheckpointDType.I32 => 15, CheckpointDType.F32 => 17,
        CheckpointDType.F64 => 19, CheckpointDType.I64 => 20, _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    private static byte[] Header(List<CheckpointTensor> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var kv in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(kv.Key, kv.Value);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in ordered)
            {
                long bytes = t.ElementCount * t.DType.Size();
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", t.DType.SafetensorsName());
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        int len = (int)json.Length, padded = (len + 7) / 8 * 8;
        var header = new byte[8 + padded];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        json.GetBuffer().AsSpan(0, len).CopyTo(header.AsSpan(8));
        header.AsSpan(8 + len).Fill((byte)' ');
        return header;
    }

    private static void WriteData(Stream s, CheckpointTensor t)
    {
        int size = t.DType.Size();
        long total = t.ElementCount * size;
        if (!t.IsContiguous || t.Storage.BigEndian) { s.Write(t.ToBytes()); return; }
        const int chunk = 1 << 26;
        long start = t.StorageOffset * size;
        for (long done = 0; done < total; done += chunk)
            s.Write(t.Storage.GetBytes(start + done, (int)Math.Min(chunk, total - done)));
    }
}
