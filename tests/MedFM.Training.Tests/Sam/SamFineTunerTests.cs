using MedFM.Models.Sam;
using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Random;
using MedFM.Training.Sam;
using Xunit;

namespace MedFM.Training.Tests.Sam;

[Collection(DefaultGeneratorCollection.Name)]
public class SamFineTunerTests
{
    /// <summary>A SAM small enough to train in a test: 64 px input, 2 blocks (one windowed, one global).</summary>
    private static SamModel Micro(ulong seed)
    {
        Generator.ManualSeed(seed);
        return new SamModel(new SamConfig
        {
            ImageSize = 64, EncoderEmbedDim = 32, EncoderDepth = 2, EncoderNumHeads = 2, GlobalAttnIndexes = new[] { 1 },
            WindowSize = 2, PromptEmbedDim = 16, MaskInChans = 4, DecoderDepth = 1, DecoderNumHeads = 2, DecoderMlpDim = 32,
            IouHeadHiddenDim = 16, Preprocessing = "medsam",
        });
    }

    /// <summary>Two bright squares on a dark image; the boxes name one square each, the masks are those squares.</summary>
    private static SamBatch Squares()
    {
        const int s = 64;
        var image = new float[3 * s * s];
        var masks = new float[2 * s * s];
        void Square(int x0, int y0, int size, int m)
        {
            for (int y = y0; y < y0 + size; y++)
            for (int x = x0; x < x0 + size; x++)
            {
                for (int c = 0; c < 3; c++) image[c * s * s + y * s + x] = 1f;
                masks[m * s * s + y * s + x] = 1f;
            }
        }
        Square(8, 8, 16, 0);
        Square(36, 30, 20, 1);
        var boxes = new float[] { 6, 6, 26, 26, 34, 28, 58, 52 };
        return new SamBatch(Tensor.Wrap(image, 1, 3, s, s), Tensor.Wrap(boxes, 1, 2, 4), Tensor.Wrap(masks, 2, 1, s, s));
    }

    [Fact]
    public void TrainingOnABatch_LowersItsLoss_AndLeavesTheFrozenPromptEncoderUntouched()
    {
        var model = Micro(1);
        var before = model.PromptEncoder.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var tuner = new SamFineTuner(model, new SamFineTuneOptions { Lr = 3e-3 });
        var batch = Squares();
        float first = tuner.Step(batch);
        float last = first;
        for (int i = 0; i < 40; i++) last = tuner.Step(batch);
        Assert.True(last < 0.6f * first, $"loss went from {first} to {last}");
        Assert.Equal(41, tuner.StepCount);
        foreach (var (key, value) in model.PromptEncoder.StateDict())
            Assert.Equal(before[key], value.ToArray());
    }

    [Fact]
    public void Forward_GivesOneLogitMapPerBox_AtInputResolution()
    {
        var tuner = new SamFineTuner(Micro(2), new SamFineTuneOptions());
        var batch = Squares();
        using (GradMode.Disable())
            Assert.Equal(new[] { 2, 1, 64, 64 }, tuner.Forward(batch.Images, batch.Boxes).ShapeArray());
    }

    [Fact]
    public void MismatchedBatch_IsAShapeErrorNamingWhatIsWrong()
    {
        var tuner = new SamFineTuner(Micro(3), new SamFineTuneOptions());
        var b = Squares();
        var ex = Assert.Throws<TensorShapeException>(() => tuner.Step(b with { Masks = Tensor.Zeros(1, 1, 64, 64) }));
        Assert.Contains("masks must be [2, 1, 64, 64]", ex.Message);
        ex = Assert.Throws<TensorShapeException>(() => tuner.Step(b with { Boxes = Tensor.Zeros(1, 2, 3) }));
        Assert.Contains("boxes", ex.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void IouHead_IsTrainedOnlyWithAnIouLossWeight(double weight)
    {
        var model = Micro(5);
        Dictionary<string, float[]> Head() => model.MaskDecoder.IouPredictionHead.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var before = Head();
        var tuner = new SamFineTuner(model, new SamFineTuneOptions { Lr = 3e-3, IouLossWeight = weight });
        var batch = Squares();
        for (int i = 0; i < 3; i++) tuner.Step(batch);
        var after = Head();
        bool changed = before.Any(kv => !kv.Value.SequenceEqual(after[kv.Key]));
        Assert.Equal(weight > 0, changed);
    }
}
