using System.Text.Json;
using MedFM.Models.Checkpoints;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Models.Tests.Checkpoints;

/// <summary>
/// The values PyTorch itself reported for each fixture (tests/Fixtures/checkpoints/expected.json, written by
/// tools/checkpoints/make_fixtures.py): layout, flags and every element, as float32 bit patterns and int64.
/// </summary>
internal static class ExpectedTensors
{
    private static readonly Lazy<JsonDocument> Doc = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Fixture("checkpoints/expected.json"))));

    public static string FixturePath(string name) => RepoPaths.Fixture("checkpoints/" + name);

    public static JsonElement Of(string file) => Doc.Value.RootElement.GetProperty(file);

    public static string StatePath(string file) => Of(file).GetProperty("path").GetString()!;

    public static string[] Keys(string file) => Of(file).GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray();

    /// <summary>Asserts a state dict equals the expectation: keys in order, then every tensor.</summary>
    public static void AssertStateDict(string file, StateDict sd)
    {
        Assert.Equal(Keys(file), sd.Keys);
        foreach (var key in sd.Keys) AssertTensor(file, key, sd[key]);
    }

    public static void AssertTensor(string file, string key, CheckpointTensor t, bool checkLayout = true)
    {
        var e = Of(file).GetProperty("tensors").GetProperty(key);
        Assert.Equal(e.GetProperty("dtype").GetString(), t.DType.SafetensorsName());
        Assert.Equal(Ints(e.GetProperty("shape")), t.Shape.Select(x => (long)x).ToArray());
        if (checkLayout)
        {
            Assert.Equal(Ints(e.GetProperty("strides")), t.Strides);
            Assert.Equal(e.GetProperty("storage_offset").GetInt64(), t.StorageOffset);
            Assert.Equal(e.GetProperty("requires_grad").GetBoolean(), t.RequiresGrad);
        }
        AssertBits(e.GetProperty("f32_bits"), t.ToFloat32(), $"{file} [{key}]");
        if (e.TryGetProperty("int64", out var ints)) Assert.Equal(Ints(ints), t.ToInt64());
        else Assert.Throws<InvalidOperationException>(() => t.ToInt64());
    }

    public static void AssertBits(JsonElement expectedBits, float[] actual, string what)
    {
        var bits = expectedBits.EnumerateArray().Select(b => b.GetUInt32()).ToArray();
        Assert.Equal(bits.Length, actual.Length);
        for (int i = 0; i < bits.Length; i++)
        {
            uint got = BitConverter.SingleToUInt32Bits(actual[i]);
            // NaN payloads may differ between conversions; any NaN matches a NaN.
            if (float.IsNaN(BitConverter.UInt32BitsToSingle(bits[i])) && float.IsNaN(actual[i])) continue;
            Assert.True(bits[i] == got, $"{what} element {i}: expected bits 0x{bits[i]:x8} ({BitConverter.UInt32BitsToSingle(bits[i])}), got 0x{got:x8} ({actual[i]})");
        }
    }

    public static long[] Ints(JsonElement array) => array.EnumerateArray().Select(x => x.GetInt64()).ToArray();
}
