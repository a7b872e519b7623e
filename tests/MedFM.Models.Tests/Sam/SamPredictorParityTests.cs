using MedFM.Imaging;
using MedFM.Imaging.Png;
using MedFM.Models.Sam;
using MedFM.Models.Tests.Support;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.Models.Tests.Sam;

/// <summary>
/// The whole predictor on a real MR slice against the reference: SAM's SamPredictor (PIL resize, mean/std, padding,
/// coordinate transform, two-step mask upsampling) and MedSAM's inference script (skimage resize, min–max, sigmoid).
/// </summary>
public class SamPredictorParityTests
{
    private static Volume Slice() => SamImage.ToRgb(PngReader.Read(RepoPaths.TestData("itk/BrainProtonDensitySlice.png")));

    private static readonly SamBox Box = new(60, 50, 150, 170);
    private static readonly SamPoint[] Points = { new(100, 110, true), new(30, 20, false) };

    public static TheoryData<string, bool> Cases => new()
    {
        { "box", false }, { "box", true }, { "points", false }, { "points", true }, { "box_points", false }, { "box_points", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SamPresetMatchesSamPredictor(string prompt, bool multimask)
    {
        var (model, fx) = SamParityTests.Build("sam");
        var predictor = new SamPredictor(model);
        predictor.SetImage(Slice());
        var set = prompt switch
        {
            "box" => new SamPromptSet { Box = Box },
            "points" => new SamPromptSet { Points = Points },
            _ => new SamPromptSet { Box = Box, Points = Points[..1] },
        };
        var result = predictor.Predict(set, multimask);
        Compare(fx, $"pred.sam.{prompt}.{(multimask ? "multi" : "single")}", result);
    }

    [Fact]
    public void MedSamPresetMatchesTheInferenceScript()
    {
        var (model, fx) = SamParityTests.Build("medsam");
        var predictor = new SamPredictor(model);
        var input = SamPreprocessor.Prepare(Slice(), model.Config);
        GoldenFixture.AssertClose(fx["pred.medsam.input"], input.Image, "preprocessed image", 0.9999999, 1e-6);
        predictor.SetImage(Slice());
        Compare(fx, "pred.medsam.box", predictor.Predict(new SamPromptSet { Box = Box }));
    }

    private static void Compare(GoldenFixture fx, string tag, SamPrediction result)
    {
        var lowRes = MedFM.Tensors.Tensor.FromArray(result.LowResLogits, fx[$"{tag}.lowres"].ShapeArray());
        GoldenFixture.AssertClose(fx[$"{tag}.lowres"], lowRes, "low-res logits", minCosine: 0.99999, relTol: 1e-3);
        GoldenFixture.AssertClose(fx[$"{tag}.iou"], MedFM.Tensors.Tensor.FromArray(result.Iou, result.Iou.Length), "iou", relTol: 1e-3);
        var expected = fx[$"{tag}.masks"].ToArray();
        Assert.Equal(expected.Length, result.Masks.Length);
        for (int m = 0; m < result.Count; m++)
        {
            int n = result.Height * result.Width, inter = 0, union = 0;
            for (int i = 0; i < n; i++)
            {
                bool a = expected[m * n + i] != 0, b = result.Masks[m * n + i] != 0;
                if (a && b) inter++;
                if (a || b) union++;
            }
            double iou = union == 0 ? 1 : (double)inter / union;
            Assert.True(iou >= 0.999, $"mask {m}: IoU with the reference {iou:F5} ({union - inter} differing pixels)");
        }
    }

    [Fact]
    public void BadPromptsAreRefusedWithOneClearMessage()
    {
        var (model, _) = SamParityTests.Build("sam");
        var predictor = new SamPredictor(model);
        Assert.Throws<InvalidOperationException>(() => predictor.Predict(new SamPromptSet { Box = Box }));
        predictor.SetImage(Slice());
        Assert.Contains("inverted", Assert.Throws<SamInputException>(() => predictor.Predict(new SamPromptSet { Box = new SamBox(100, 50, 60, 170) })).Message);
        Assert.Contains("outside", Assert.Throws<SamInputException>(() => predictor.Predict(new SamPromptSet { Box = new SamBox(0, 0, 500, 100) })).Message);
        Assert.Contains("outside", Assert.Throws<SamInputException>(() => predictor.Predict(new SamPromptSet { Points = new[] { new SamPoint(-3, 4, true) } })).Message);
        Assert.Contains("no prompt", Assert.Throws<SamInputException>(() => predictor.Predict(new SamPromptSet())).Message);
    }

    [Fact]
    public void SavedEmbeddingReproducesThePrediction()
    {
        var (model, _) = SamParityTests.Build("sam");
        var a = new SamPredictor(model);
        a.SetImage(Slice());
        var dir = Directory.CreateTempSubdirectory("medfm-emb");
        try
        {
            var path = Path.Combine(dir.FullName, "emb.npy");
            a.SaveEmbedding(path);
            var b = new SamPredictor(model);
            b.LoadEmbedding(path);
            var p = new SamPromptSet { Box = Box };
            Assert.Equal(a.Predict(p).LowResLogits, b.Predict(p).LowResLogits);
            var (medsam, _) = SamParityTests.Build("medsam");
            Assert.Throws<SamInputException>(() => new SamPredictor(medsam).LoadEmbedding(path));
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
