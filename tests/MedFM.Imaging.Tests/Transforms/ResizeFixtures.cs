using System.Security.Cryptography;
using System.Text.Json;
using MedFM.Imaging.Nifti;
using MedFM.TestSupport;

namespace MedFM.Imaging.Tests.Transforms;

/// <summary>
/// Loads the resize fixtures written by tools/imaging/make_resize_fixtures.py and decodes their source images with
/// MedFM's own readers (PNG, JPEG, NIfTI), checking each decode against the MD5 the generator took of PIL's/nibabel's.
/// </summary>
internal static class ResizeFixtures
{
    private static readonly Dictionary<string, JsonElement> Documents = new();
    private static readonly Dictionary<string, Volume> Sources = new();

    public static JsonElement Load(string name)
    {
        lock (Documents)
        {
            if (!Documents.TryGetValue(name, out var doc))
                Documents[name] = doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("imaging/resize/" + name))).RootElement;
            return doc;
        }
    }

    /// <summary>The decoded source image of a fixture source entry (file, optional NIfTI slice and conversion).</summary>
    public static Volume Source(JsonElement spec)
    {
        string key = spec.GetRawText();
        lock (Sources)
        {
            if (Sources.TryGetValue(key, out var cached)) return cached;
            var v = Decode(spec);
            string expected = spec.GetProperty("md5").GetString()!;
            string got = Md5(v.GetBytes());
            if (expected != got)
                throw new InvalidOperationException($"decoding {spec.GetProperty("file").GetString()} differs from the reference decode ({got} vs {expected})");
            Sources[key] = v;
            return v;
        }
    }

    private static Volume Decode(JsonElement spec)
    {
        string file = spec.GetProperty("file").GetString()!;
        if (!file.EndsWith(".nii.gz", StringComparison.Ordinal)) return ImageFile.Read(RepoPaths.TestData(file));
        var slice = NiftiReader.ReadVolume(RepoPaths.TestData(file)).Slice(spec.GetProperty("slice").GetInt32());
        if (spec.TryGetProperty("as", out var conversion) && conversion.GetString() == "float32_div3")
        {
            var bytes = slice.GetData<byte>();
            var f = new float[bytes.Length];
            for (int i = 0; i < f.Length; i++) f[i] = bytes[i] / 3f;
            return new Volume(new VolumeShape(slice.Width, slice.Height), f);
        }
        return new Volume(new VolumeShape(slice.Width, slice.Height), slice.GetData<byte>().ToArray());
    }

    public static string Md5(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    public static string Md5<T>(T[] values) where T : unmanaged =>
        Md5(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
}
