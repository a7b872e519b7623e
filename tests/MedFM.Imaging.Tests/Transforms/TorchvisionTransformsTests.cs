using System.Text.Json;
using MedFM.Imaging.Transforms;
using Xunit;

namespace MedFM.Imaging.Tests.Transforms;

public class TorchvisionTransformsTests
{
    private static JsonElement Doc => ResizeFixtures.Load("torchvision.json");

    private static Volume Source(string name) => ResizeFixtures.Source(Doc.GetProperty("sources").GetProperty(name));

    public static TheoryData<int> PipelineIndices
    {
        get
        {
            var data = new TheoryData<int>();
            for (int i = 0; i < Doc.GetProperty("pipelines").GetArrayLength(); i++) data.Add(i);
            return data;
        }
    }

    /// <summary>Our composition of each reference pipeline, from the model repositories' own definitions.</summary>
    private static ImagePipeline Pipeline(string name) => name switch
    {
        // timm resolve_data_config(vit_base_patch16_224): input 224, crop_pct 0.9, bicubic, mean/std 0.5.
        "timm_vit_base_patch16_224" => ImagePipeline.TimmEval(224, 0.9, PilFilter.Bicubic, ImagePipeline.InceptionMean, ImagePipeline.InceptionStd),
        // RETFound_MAE util/datasets.py build_transform (eval, input 224): crop_pct 224/256 → Resize(256) bicubic.
        "retfound_eval" => ImagePipeline.Create().Resize(256, PilFilter.Bicubic).CenterCrop(224)
            .Normalize(ImagePipeline.ImageNetMean, ImagePipeline.ImageNetStd),
        // UNI README: Resize(224) (bilinear), ToTensor, Normalize(ImageNet).
        "uni" => ImagePipeline.Create().Resize(224).Normalize(ImagePipeline.ImageNetMean, ImagePipeline.ImageNetStd),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(PipelineIndices))]
    public void Pipeline_IsBitIdenticalToTorchvision(int index)
    {
        var c = Doc.GetProperty("pipelines")[index];
        var pipeline = Pipeline(c.GetProperty("pipeline").GetString()!);
        var tensor = pipeline.Run(Source(c.GetProperty("source").GetString()!));
        Assert.Equal(c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(), tensor.Shape);
        foreach (var s in c.GetProperty("samples").EnumerateArray())
        {
            int ch = s.GetProperty("c").GetInt32(), y = s.GetProperty("y").GetInt32(), x = s.GetProperty("x").GetInt32();
            float expected = (float)s.GetProperty("value").GetDouble();
            Assert.True(Math.Abs(expected - tensor[ch, y, x]) <= 1e-6f, $"[{ch},{y},{x}] torchvision {expected:R}, ours {tensor[ch, y, x]:R}");
        }
        Assert.Equal(c.GetProperty("md5").GetString(), ResizeFixtures.Md5(tensor.Data));
    }

    [Fact]
    public void TimmEval_DescribesTheSameStepsAsTimm()
    {
        var text = ImagePipeline.TimmEval(224, 0.9, PilFilter.Bicubic, ImagePipeline.InceptionMean, ImagePipeline.InceptionStd).ToString();
        Assert.Contains("Resize(size=248, interpolation=bicubic", text);
        Assert.Contains("CenterCrop(size=(224, 224))", text);
        Assert.True(text.IndexOf("ToTensor()", StringComparison.Ordinal) < text.IndexOf("Normalize(mean=(0.5, 0.5, 0.5)", StringComparison.Ordinal));
    }

    [Fact]
    public void ShorterSideSize_MatchesComputeResizedOutputSize()
    {
        foreach (var s in Doc.GetProperty("sizes").EnumerateArray())
        {
            int? max = s.GetProperty("max_size").ValueKind == JsonValueKind.Null ? null : s.GetProperty("max_size").GetInt32();
            var (h, w) = TorchvisionTransforms.ShorterSideSize(s.GetProperty("height").GetInt32(), s.GetProperty("width").GetInt32(),
                s.GetProperty("size").GetInt32(), max);
            Assert.Equal((s.GetProperty("new_height").GetInt32(), s.GetProperty("new_width").GetInt32()), (h, w));
        }
    }

    [Fact]
    public void CenterCrop_MatchesTorchvisionIncludingPadding()
    {
        foreach (var c in Doc.GetProperty("crops").EnumerateArray())
        {
            var src = Source(c.GetProperty("source").GetString()!);
            var crop = TorchvisionTransforms.CenterCrop(src, c.GetProperty("height").GetInt32(), c.GetProperty("width").GetInt32());
            var shape = c.GetProperty("out_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal((shape[0], shape[1]), (crop.Height, crop.Width));
            Assert.Equal(c.GetProperty("md5").GetString(), ResizeFixtures.Md5(crop.GetBytes()));
        }
    }

    [Fact]
    public void CenterCrop_RoundsHalfOffsetsToEven()
    {
        // (H − h) / 2 = 0.5 → offset 0 and 1.5 → offset 2 under Python's round; a column index image shows the offset.
        var data = new byte[6];
        for (int x = 0; x < 6; x++) data[x] = (byte)x;
        var row = new Volume(new VolumeShape(6, 1), data);
        Assert.Equal(0, TorchvisionTransforms.CenterCrop(row, 1, 5).GetData<byte>()[0]);
        Assert.Equal(2, TorchvisionTransforms.CenterCrop(row, 1, 3).GetData<byte>()[0]);
        Assert.Equal(1, TorchvisionTransforms.CenterCrop(row, 1, 4).GetData<byte>()[0]);
    }

    [Fact]
    public void ToTensor_GreyImage_MatchesTorchvision()
    {
        var e = Doc.GetProperty("to_tensor_camera");
        var t = TorchvisionTransforms.ToTensor(Source("camera"));
        Assert.Equal(new[] { 1, 512, 512 }, t.Shape);
        Assert.Equal(e.GetProperty("md5").GetString(), ResizeFixtures.Md5(t.Data));
    }

    [Fact]
    public void Normalize_RejectsMismatchedStatisticsAndZeroStd()
    {
        var t = new ImageTensor(new float[12], 3, 2, 2);
        Assert.Throws<ImageTransformException>(() => TorchvisionTransforms.Normalize(t, [0.5, 0.5], [0.5, 0.5]));
        Assert.Throws<ImageTransformException>(() => TorchvisionTransforms.Normalize(t, [0.5, 0.5, 0.5], [0.5, 1e-50, 0.5]));
    }

    [Fact]
    public void ImageStepAfterNormalize_IsRejected()
    {
        var p = ImagePipeline.Create().Normalize([0.5], [0.5]);
        var ex = Assert.Throws<ImageTransformException>(() => p.CenterCrop(3));
        Assert.Contains("cannot follow Normalize", ex.Message);
    }

    [Fact]
    public void ToRgb_ReplicatesGrey_AndRejectsFloatImages()
    {
        var grey = new Volume(new VolumeShape(2, 1), new byte[] { 7, 200 });
        var t = ImagePipeline.Create().ToRgb().Run(grey);
        Assert.Equal(new[] { 3, 1, 2 }, t.Shape);
        for (int c = 0; c < 3; c++) Assert.Equal(200 / 255f, t[c, 0, 1]);
        var f = new Volume(new VolumeShape(2, 1), new float[] { 1, 2 });
        Assert.Throws<ImageTransformException>(() => TorchvisionTransforms.ToTensor(f));
    }
}
