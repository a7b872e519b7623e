using System.Buffers.Binary;
using System.Text.Json;

namespace MedFM.Models.Checkpoints.Safetensors;

/// <summary>One tensor's header entry: dtype, shape and byte range [Begin, End) within the data section.</summary>
public sealed record SafetensorsEntry(string Name, CheckpointDType DType, int[] Shape, long Begin, long End);

/// <summary>
/// A parsed and validated safetensors header (github.com/huggingface/safetensors, safetensors/src/tensor.rs):
/// an 8-byte little-endian length N (at most 100,000,000), N bytes of UTF-8 JSON mapping names to
/// {"dtype", "shape", "data_offsets": [begin, end]} plus an optional "__metadata__" map of strings, then the data.
/// As the reference requires, the byte ranges sorted by offset must tile the data section exactly — starting at 0,
/// each beginning where the previous ended (no gap, no overlap), each as long as shape × dtype size — and the
/// data section must end at the end of the file. Element alignment of offsets is not required (the reference
/// does not require it; our conversions read unaligned data).
/// </summary>
public sealed record SafetensorsHeader(IReadOnlyList<SafetensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata, long DataStart)
{
    /// <summary>The reference's limit on the header length.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Parses and validates the header of a whole file or buffer.</summary>
    internal static SafetensorsHeader Parse(ByteSource src)
    {
        string file = src.Name;
        if (src.Length < 8) throw new CheckpointFormatException(file, null, 0, $"truncated: {src.Length} bytes cannot hold the 8-byte header length");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(src.Span(0, 8));
        if (n > MaxHeaderLength) throw new CheckpointFormatException(file, null, 0, $"header length {n} exceeds the limit of {MaxHeaderLength} bytes");
        if ((long)n > src.Length - 8)
            throw new CheckpointFormatException(file, null, 0, $"header length {n} runs past the end of the file ({src.Length} bytes)");
        var json = src.Span(8, (int)n);
        if (!System.Text.Unicode.Utf8.IsValid(json)) throw new CheckpointFormatException(file, "header", 8, "header is not valid UTF-8");
        List<SafetensorsEntry> entries;
        Dictionary<string, string> metadata;
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            (entries, metadata) = ReadJson(doc.RootElement, file);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(file, "header", 8 + (e.BytePositionInLine ?? 0), "header is not valid JSON: " + e.Message);
        }
        long dataStart = 8 + (long)n;
        Validate(entries, file, src.Length - dataStart);
        return new SafetensorsHeader(entries, metadata, dataStart);
    }

    private static (List<SafetensorsEntry>, Dictionary<string, string>) ReadJson(JsonElement root, string file)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new CheckpointFormatException(file, "header", 8, "header is not a JSON object");
        var entries = new List<SafetensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in root.EnumerateObject())
        {
            if (!seen.Add(p.Name)) throw new CheckpointFormatException(file, p.Name, null, "the name appears twice in the header");
            if (p.Name == "__metadata__")
            {
                if (p.Value.ValueKind != JsonValueKind.Object) throw new CheckpointFormatException(file, "__metadata__", null, "metadata must be an object of strings");
                foreach (var m in p.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String
                        ? m.Value.GetString()! : throw new CheckpointFormatException(file, "__metadata__", null, $"metadata value '{m.Name}' is not a string");
                continue;
            }
            entries.Add(ReadEntry(p.Name, p.Value, file));
        }
        return (entries, metadata);
    }

    private static SafetensorsEntry ReadEntry(string name, JsonElement v, string file)
    {
        CheckpointFormatException Bad(string what) => new(file, name, null, what);
        if (v.ValueKind != JsonValueKind.Object) throw Bad("tensor info must be an object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw Bad("missing dtype");
        var dtype = CheckpointDTypeExtensions.FromSafetensorsName(dt.GetString()!)
            ?? throw Bad($"unknown or unsupported dtype '{dt.GetString()}' (supported: F32 F16 BF16 F64 I64 I32 I16 I8 U8 BOOL)");
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw Bad("missing shape");
        if (sh.GetArrayLength() > CheckpointTensor.MaxRank) throw Bad($"shape has more than {CheckpointTensor.MaxRank} dimensions");
        var shape = new int[sh.GetArrayLength()];
        int i = 0;
        foreach (var d in sh.EnumerateArray())
            shape[i++] = d.ValueKind == JsonValueKind.Number && d.TryGetUInt64(out var u) && u <= int.MaxValue
                ? (int)u : throw Bad($"shape dimension {d} is not an integer in [0, {int.MaxValue}]");
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad("data_offsets must be [begin, end]");
        var b = off[0]; var e = off[1];
        if (b.ValueKind != JsonValueKind.Number || !b.TryGetUInt64(out var begin) || e.ValueKind != JsonValueKind.Number || !e.TryGetUInt64(out var end)
            || begin > long.MaxValue || end > long.MaxValue)
            throw Bad("data_offsets must be non-negative integers");
        return new SafetensorsEntry(name, dtype, shape, (long)begin, (long)end);
    }

    private static void Validate(List<SafetensorsEntry> entries, string file, long dataLength)
    {
        entries.Sort((x, y) => x.Begin != y.Begin ? x.Begin.CompareTo(y.Begin) : x.End.CompareTo(y.End));
        long expectedBegin = 0;
        foreach (var e in entries)
        {
            if (e.End < e.Begin) throw new CheckpointFormatException(file, e.Name, null, $"data_offsets [{e.Begin}, {e.End}] end before they begin");
            if (e.Begin != expectedBegin)
                throw new CheckpointFormatException(file, e.Name, null, e.Begin < expectedBegin
                    ? $"data_offsets [{e.Begin}, {e.End}] overlap the previous tensor, which ends at {expectedBegin}"
                    : $"data_offsets [{e.Begin}, {e.End}] leave a gap after the previous tensor, which ends at {expectedBegin}");
            long count = MedFM.Tensors.IO.RawElements.ElementCount(e.Shape);
            if (count < 0 || count > long.MaxValue / e.DType.Size())
                throw new CheckpointFormatException(file, e.Name, null, "shape × dtype size overflows");
            if (count * e.DType.Size() != e.End - e.Begin)
                throw new CheckpointFormatException(file, e.Name, null,
                    $"shape [{string.Join(", ", e.Shape)}] of {e.DType} needs {count * e.DType.Size()} bytes, data_offsets give {e.End - e.Begin}");
            if (e.End > dataLength)
                throw new CheckpointFormatException(file, e.Name, null, $"data_offsets end at {e.End}, beyond the {dataLength} data bytes in the file");
            expectedBegin = e.End;
        }
        if (expectedBegin != dataLength)
            throw new CheckpointFormatException(file, null, null, $"the tensors cover {expectedBegin} data bytes but the file holds {dataLength} (incomplete metadata or trailing bytes)");
    }
}
