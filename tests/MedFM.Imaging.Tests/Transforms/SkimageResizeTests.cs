using System.Runtime.InteropServices;
using System.Text.Json;
using MedFM.Imaging.Transforms;
using MedFM.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace MedFM.Imaging.Tests.Transforms;

/// <summary>skimage 0.19.3 transform.resize (with scipy 1.10 ndimage) against fixtures from the real libraries.</summary>
public class SkimageResizeTests(ITestOutputHelper output)
{
    private static JsonElement Doc => ResizeFixtures.Load("skimage.json");
    private static readonly Lazy<double[]> Bin = new(() =>
        MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(RepoPaths.Fixture("imaging/resize/skimage.bin"))).ToArray());

    private static double[] Values(JsonElement reference)
    {
        int offset = reference[0].GetInt32(), count = reference[1].GetInt32();
        return Bin.Value.AsSpan(offset, count).ToArray();
    }

    public static TheoryData<int> MedSamIndices => Indices("medsam");
    public static TheoryData<int> VariantIndices => Indices("variants");

    private static TheoryData<int> Indices(string name)
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Doc.GetProperty(name).GetArrayLength(); i++) data.Add(i);
        return data;
    }

    /// <summary>The source as MedSAM_Inference.py sees it after io.imread: (H, W, 3) bytes, grey replicated.</summary>
    private static (byte[] Pixels, int Rows, int Cols) MedSamInput(string name)
    {
        var v = ResizeFixtures.Source(Doc.GetProperty("sources").GetProperty(name));
        var bytes = v.GetData<byte>();
        if (v.Components == 3) return (bytes.ToArray(), v.Height, v.Width);
        var rgb = new byte[bytes.Length * 3];
        for (int i = 0; i < bytes.Length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = bytes[i];
        return (rgb, v.Height, v.Width);
    }

    [Theory]
    [MemberData(nameof(MedSamIndices))]
    public void MedSamCall_FloatsWithin1e9_Uint8AndTensorBitIdentical(int index)
    {
        var c = Doc.GetProperty("medsam")[index];
        var (pixels, rows, cols) = MedSamInput(c.GetProperty("source").GetString()!);
        var resized = SkimageResize.Resize(pixels, rows, cols, 3, 1024, 1024, SkimageResizeOptions.MedSam);
        AssertSummary(c.GetProperty("resized"), resized, 1024, 1024, 3, 1e-9);

        var u8 = IntensityOps.AsUInt8(resized);
        Assert.Equal(c.GetProperty("uint8_md5").GetString(), ResizeFixtures.Md5(u8));

        // torch.tensor(img_1024).float().permute(2, 0, 1).unsqueeze(0)
        var scaled = IntensityOps.MinMaxScaleToSingle(u8);
        var chw = new float[scaled.Length];
        for (int p = 0; p < 1024 * 1024; p++)
            for (int ch = 0; ch < 3; ch++) chw[ch * 1024 * 1024 + p] = scaled[p * 3 + ch];
        Assert.Equal(c.GetProperty("tensor_md5").GetString(), ResizeFixtures.Md5(chw));
    }

    [Theory]
    [MemberData(nameof(MedSamIndices))]
    public void SeparableZoom_DiffersFromExactOnlyNextToIntegers(int index)
    {
        var c = Doc.GetProperty("medsam")[index];
        var (pixels, rows, cols) = MedSamInput(c.GetProperty("source").GetString()!);
        var exact = SkimageResize.Resize(pixels, rows, cols, 3, 1024, 1024, SkimageResizeOptions.MedSam);
        var separable = SkimageResize.Resize(pixels, rows, cols, 3, 1024, 1024, SkimageResizeOptions.MedSam with { ExactNearIntegers = false });
        int near = 0, differing = 0;
        double maxDiff = 0;
        for (int i = 0; i < exact.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(exact[i] - separable[i]));
            bool isNear = Math.Abs(exact[i] - Math.Round(exact[i])) <= 1e-7 && Math.Round(exact[i]) != 0;
            if (isNear) near++;
            if ((int)exact[i] != (int)separable[i])
            {
                differing++;
                Assert.True(isNear, $"pixel {i}: truncations differ ({exact[i]:R} vs {separable[i]:R}) away from an integer");
            }
        }
        Assert.True(maxDiff <= 1e-9, $"separable and exact zoom differ by {maxDiff}");
        Assert.Equal(c.GetProperty("near_nonzero_integers_1e7").GetInt32(), near);
        output.WriteLine($"{c.GetProperty("source")}: {near} outputs within 1e-7 of a non-zero integer; " +
                         $"separable zoom truncates {differing} of them differently; max |separable − exact| = {maxDiff:E2}");
    }

    [Theory]
    [MemberData(nameof(VariantIndices))]
    public void Variant_MatchesSkimage(int index)
    {
        var c = Doc.GetProperty("variants")[index];
        var kw = c.GetProperty("kwargs");
        var shape = c.GetProperty("output_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var options = new SkimageResizeOptions
        {
            Order = kw.GetProperty("order").ValueKind == JsonValueKind.Null ? null : kw.GetProperty("order").GetInt32(),
            Mode = Enum.Parse<SkimageMode>(kw.GetProperty("mode").GetString()!, ignoreCase: true),
            Cval = kw.GetProperty("cval").GetDouble(),
            Clip = kw.GetProperty("clip").GetBoolean(),
            PreserveRange = kw.GetProperty("preserve_range").GetBoolean(),
            AntiAliasing = kw.GetProperty("anti_aliasing").ValueKind == JsonValueKind.Null ? null : kw.GetProperty("anti_aliasing").GetBoolean(),
            AntiAliasingSigma = kw.GetProperty("anti_aliasing_sigma").ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.Array => kw.GetProperty("anti_aliasing_sigma").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
                _ => [kw.GetProperty("anti_aliasing_sigma").GetDouble()],
            },
        };
        var (result, channels) = RunVariant(c.GetProperty("source").GetString()!, shape[0], shape[1], options);
        AssertSummary(c.GetProperty("result"), result, shape[0], shape[1], channels, 1e-9);
    }

    private static (double[] Result, int Channels) RunVariant(string cropName, int outRows, int outCols, SkimageResizeOptions options)
    {
        var crop = Doc.GetProperty("crops").GetProperty(cropName);
        var v = ResizeFixtures.Source(Doc.GetProperty("sources").GetProperty(crop.GetProperty("of").GetString()!));
        if (crop.TryGetProperty("rows", out var r))
        {
            int r0 = r[0].GetInt32(), r1 = r[1].GetInt32(), c0 = crop.GetProperty("cols")[0].GetInt32(), c1 = crop.GetProperty("cols")[1].GetInt32();
            v = v.Crop(c0, r0, 0, c1 - c0, r1 - r0, 1);
        }
        var bytes = v.GetData<byte>();
        string conversion = crop.TryGetProperty("as", out var a) ? a.GetString()! : "";
        double[] result = conversion switch
        {
            "float32_div3" => Array.ConvertAll(SkimageResize.Resize(Array.ConvertAll(bytes.ToArray(), b => b / 3f), v.Height, v.Width, v.Components, outRows, outCols, options), f => (double)f),
            "uint16_x257" => SkimageResize.Resize(Array.ConvertAll(bytes.ToArray(), b => (ushort)(b * 257)), v.Height, v.Width, v.Components, outRows, outCols, options),
            _ => SkimageResize.Resize(bytes, v.Height, v.Width, v.Components, outRows, outCols, options),
        };
        return (result, v.Components);
    }

    /// <summary>Row sums, column sums, sampled (or all) values within <paramref name="tolerance"/> · max(1, |reference|).</summary>
    private static void AssertSummary(JsonElement s, double[] ours, int rows, int cols, int channels, double tolerance)
    {
        var shape = s.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(rows, shape[0]);
        Assert.Equal(cols, shape[1]);
        Assert.Equal((long)rows * cols * channels, ours.LongLength);
        var rowSums = new double[rows];
        var colSums = new double[cols * channels];
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < cols; x++)
                for (int ch = 0; ch < channels; ch++)
                {
                    double v = ours[(y * cols + x) * channels + ch];
                    rowSums[y] += v;
                    colSums[x * channels + ch] += v;
                }
        Close(Values(s.GetProperty("row_sums")), rowSums, tolerance, "row sum");
        Close(Values(s.GetProperty("col_sums")), colSums, tolerance, "column sum");
        if (s.TryGetProperty("full", out var full)) Close(Values(full), ours, tolerance, "value");
        else
        {
            var idx = Values(s.GetProperty("sample_index"));
            var expected = Values(s.GetProperty("sample_value"));
            Close(expected, idx.Select(i => ours[(long)i]).ToArray(), tolerance, "sampled value");
        }
    }

    private static void Close(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{what} {i}: skimage {expected[i]:R}, ours {actual[i]:R}");
    }

    [Fact]
    public void GaussianKernels_MatchScipyToTheUlp()
    {
        foreach (var k in Doc.GetProperty("gaussian_kernels").EnumerateObject())
        {
            var expected = Values(k.Value);
            var ours = NdimageGaussian.Kernel(double.Parse(k.Name, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(expected.Length, ours.Length);
            for (int i = 0; i < ours.Length; i++)
                Assert.True(Math.Abs(expected[i] - ours[i]) <= 2 * Math.BitIncrement(expected[i]) - 2 * expected[i] + 1e-300,
                    $"sigma {k.Name} tap {i}: scipy {expected[i]:R}, ours {ours[i]:R}");
        }
    }
}
