using System.Text.Json;
using MedFM.Models.Checkpoints;
using MedFM.Models.Loading;
using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Models.Tests.Support;

/// <summary>
/// A reference-generated fixture: weights under "w.&lt;key&gt;", inputs and expected outputs under "io.&lt;name&gt;",
/// plus a JSON description (config and the reference state-dict keys with shapes, in order).
/// </summary>
public sealed class GoldenFixture
{
    public GoldenFixture(string area, string name)
    {
        var state = CheckpointFile.LoadStateDict(RepoPaths.Fixture($"{area}/{name}.safetensors"));
        Weights = state.ToTensors("w.");
        Io = state.ToTensors("io.");
        Json = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture($"{area}/{name}.json"))).RootElement;
    }

    public Dictionary<string, Tensor> Weights { get; }

    public Dictionary<string, Tensor> Io { get; }

    public JsonElement Json { get; }

    public Tensor this[string ioName] => Io.TryGetValue(ioName, out var t) ? t : throw new KeyNotFoundException($"fixture has no io.{ioName}");

    /// <summary>The reference state-dict keys and shapes, in order.</summary>
    public List<(string Key, int[] Shape)> ReferenceKeys() =>
        Json.GetProperty("state_dict").EnumerateArray()
            .Select(e => (e[0].GetString()!, e[1].EnumerateArray().Select(x => x.GetInt32()).ToArray())).ToList();

    /// <summary>Asserts a model's keys and shapes equal the reference's, in order.</summary>
    public void AssertSameKeys(IReadOnlyList<KeyValuePair<string, Tensor>> ours)
    {
        var reference = ReferenceKeys();
        var mine = ours.Select(kv => (kv.Key, kv.Value.ShapeArray())).ToList();
        var missing = reference.Select(r => r.Key).Except(mine.Select(m => m.Key)).ToList();
        var extra = mine.Select(m => m.Key).Except(reference.Select(r => r.Key)).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0, $"missing: {string.Join(", ", missing)}; unexpected: {string.Join(", ", extra)}");
        for (int i = 0; i < reference.Count; i++)
        {
            Assert.Equal(reference[i].Key, mine[i].Key);
            Assert.True(reference[i].Shape.SequenceEqual(mine[i].Item2), $"{reference[i].Key}: reference {ShapeUtil.Format(reference[i].Shape)}, ours {ShapeUtil.Format(mine[i].Item2)}");
        }
    }

    /// <summary>Cosine ≥ minCosine and max |Δ| ≤ relTol × max |expected|.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what, double minCosine = 0.99999, double relTol = 1e-4)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {ShapeUtil.Format(actual.Shape)}, expected {ShapeUtil.Format(expected.Shape)}");
        var e = expected.ToArray();
        var a = actual.ToArray();
        double cos = TensorAssert.Cosine(e, a);
        double err = TensorAssert.ScaledMaxError(e, a);
        Assert.True(cos >= minCosine && err <= relTol, $"{what}: cosine {cos:F8}, max |Δ| / scale {err:G3}");
    }
}
