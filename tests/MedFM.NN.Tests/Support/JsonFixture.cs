using System.Text.Json;
using MedFM.Tensors;
using MedFM.TestSupport;

namespace MedFM.NN.Tests.Support;

/// <summary>
/// Reads the JSON fixtures written by tools/nn/make_fixtures.py: a tensor is {"shape": [...], "data": [...]}
/// (+ "dtype": "int64"); float32 values are stored as exact decimal doubles.
/// </summary>
public static class JsonFixture
{
    private static readonly Dictionary<string, JsonDocument> Cache = new();

    /// <summary>The parsed root of tests/Fixtures/&lt;relative&gt; (cached per test run).</summary>
    public static JsonElement Load(string relative)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(relative, out var doc))
                Cache[relative] = doc = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Fixture(relative)));
            return doc.RootElement;
        }
    }

    /// <summary>The element of an array of objects whose "name" equals name.</summary>
    public static JsonElement Case(JsonElement array, string name)
    {
        foreach (var c in array.EnumerateArray())
            if (c.GetProperty("name").GetString() == name) return c;
        throw new KeyNotFoundException($"fixture case '{name}' not found");
    }

    /// <summary>The names of the cases in an array (for theory data).</summary>
    public static IEnumerable<object[]> CaseNames(string relative, string arrayProperty) =>
        Load(relative).GetProperty(arrayProperty).EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! }).ToList();

    public static Tensor Tensor(JsonElement e)
    {
        var shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var data = e.GetProperty("data");
        if (e.TryGetProperty("dtype", out var dt) && dt.GetString() == "int64")
            return MedFM.Tensors.Tensor.FromLongs(data.EnumerateArray().Select(v => v.GetInt64()).ToArray(), shape);
        return MedFM.Tensors.Tensor.FromArray(Floats(data), shape);
    }

    public static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    /// <summary>{key: tensor} objects as a dictionary.</summary>
    public static Dictionary<string, Tensor> TensorDict(JsonElement e) =>
        e.EnumerateObject().ToDictionary(p => p.Name, p => Tensor(p.Value));

    public static double Double(JsonElement e, string property, double fallback) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;
}
