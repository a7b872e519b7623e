using System.Buffers.Binary;
using System.Text.Json;
using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Tensors.Tests.Ops;

/// <summary>
/// The PyTorch-parity cases written by tools/tensors/make_spatial_fixtures.py: tests/Fixtures/tensors/spatial.json
/// (case keys, ops and parameters) and spatial.safetensors (float32 tensors named "&lt;key&gt;/&lt;tensor&gt;").
/// A small safetensors reader of its own keeps the test independent of the engine's checkpoint readers.
/// </summary>
public static class SpatialFixtures
{
    private static readonly Lazy<IReadOnlyList<SpatialCase>> CasesLazy = new(Load);

    public static IReadOnlyList<SpatialCase> Cases => CasesLazy.Value;

    public static SpatialCase Get(string key) =>
        Cases.FirstOrDefault(c => c.Key == key) ?? throw new KeyNotFoundException($"fixture case '{key}' not found in spatial.json");

    /// <summary>Case keys of one op, for [MemberData].</summary>
    public static TheoryData<string> Keys(string op)
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases)
            if (c.Op == op) data.Add(c.Key);
        return data;
    }

    private static IReadOnlyList<SpatialCase> Load()
    {
        var tensors = ReadSafetensors(RepoPaths.Fixture("tensors/spatial.safetensors"));
        using var doc = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Fixture("tensors/spatial.json")));
        var list = new List<SpatialCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string key = c.GetProperty("key").GetString()!;
            var own = new Dictionary<string, (float[], int[])>();
            foreach (var t in c.GetProperty("tensors").EnumerateArray())
                own[t.GetString()!] = tensors[key + "/" + t.GetString()];
            list.Add(new SpatialCase(key, c.GetProperty("op").GetString()!, c.GetProperty("params").Clone(), own));
        }
        return list;
    }

    private static Dictionary<string, (float[], int[])> ReadSafetensors(string path)
    {
        var bytes = File.ReadAllBytes(path);
        long n = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (n <= 0 || 8 + n > bytes.Length) throw new InvalidDataException($"{path}: header length {n} does not fit the {bytes.Length}-byte file");
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        var result = new Dictionary<string, (float[], int[])>();
        int dataStart = 8 + (int)n;
        foreach (var e in header.RootElement.EnumerateObject())
        {
            if (e.Name == "__metadata__") continue;
            if (e.Value.GetProperty("dtype").GetString() != "F32") throw new InvalidDataException($"{path}: {e.Name} is not F32");
            var shape = e.Value.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var offs = e.Value.GetProperty("data_offsets").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var data = new float[(offs[1] - offs[0]) / 4];
            for (int i = 0; i < data.Length; i++)
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + offs[0] + 4 * i));
            result[e.Name] = (data, shape);
        }
        return result;
    }
}

/// <summary>One fixture case: its parameters and named tensors.</summary>
public sealed class SpatialCase
{
    private readonly Dictionary<string, (float[] Data, int[] Shape)> tensors;

    public SpatialCase(string key, string op, JsonElement parameters, Dictionary<string, (float[], int[])> tensors)
    {
        Key = key;
        Op = op;
        Params = parameters;
        this.tensors = tensors;
    }

    public string Key { get; }

    public string Op { get; }

    public JsonElement Params { get; }

    public bool Has(string name) => tensors.ContainsKey(name);

    /// <summary>A fresh tensor (own storage) holding the named fixture tensor.</summary>
    public Tensor Tensor(string name)
    {
        var (data, shape) = tensors[name];
        return MedFM.Tensors.Tensor.FromArray(data, shape);
    }

    public float[] Data(string name) => tensors[name].Data;

    public bool HasParam(string name) => Params.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>An int or per-axis list parameter, as a list of the given length.</summary>
    public int[] Ints(string name, int dims)
    {
        var v = Params.GetProperty(name);
        if (v.ValueKind == JsonValueKind.Number) return Enumerable.Repeat(v.GetInt32(), dims).ToArray();
        return v.EnumerateArray().Select(e => e.GetInt32()).ToArray();
    }

    public Int2 Int2(string name)
    {
        var a = Ints(name, 2);
        return new Int2(a[0], a[1]);
    }

    public Int3 Int3(string name)
    {
        var a = Ints(name, 3);
        return new Int3(a[0], a[1], a[2]);
    }

    public int Int(string name) => Params.GetProperty(name).GetInt32();

    public bool Bool(string name, bool fallback = false) =>
        Params.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    public string String(string name) => Params.GetProperty(name).GetString()!;

    public override string ToString() => Key;
}
