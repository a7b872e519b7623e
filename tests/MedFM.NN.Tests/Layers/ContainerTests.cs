using MedFM.NN.Layers;
using MedFM.Tensors;
using Xunit;

namespace MedFM.NN.Tests.Layers;

public class ContainerTests
{
    private static List<string> Keys(Module m) => m.StateDict().Select(kv => kv.Key).ToList();

    [Fact]
    public void SequentialKeepsIndicesOfParameterlessLayers()
    {
        var s = new Sequential(new Linear(2, 3), new ReLU(), new Dropout(0.5), new Linear(3, 1));
        Assert.Equal(new[] { "0.weight", "0.bias", "3.weight", "3.bias" }, Keys(s));
    }

    [Fact]
    public void SequentialNullEntriesConsumeAnIndex()
    {
        var s = new Sequential(new Linear(2, 3), null, new Linear(3, 1));
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, Keys(s));
        Assert.Equal(2, s.Count);
        Assert.Throws<KeyNotFoundException>(() => s[1]);
        Assert.IsType<Linear>(s[2]);
    }

    [Fact]
    public void SequentialFromExplicitIndicesAndAppend()
    {
        var s = Sequential.FromIndexed((0, new Linear(4, 4)), (3, new Linear(4, 2)));
        s.Add(new Linear(2, 2));
        Assert.Equal(new[] { "0.weight", "0.bias", "3.weight", "3.bias", "4.weight", "4.bias" }, Keys(s));
        Assert.Throws<ArgumentException>(() => Sequential.FromIndexed((2, new Identity()), (1, new Identity())));
    }

    [Fact]
    public void SequentialChainsLayersInOrder()
    {
        var a = new Linear(2, 2, bias: false);
        var b = new Linear(2, 1, bias: false);
        a.Weight.CopyFrom(Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2));
        b.Weight.CopyFrom(Tensor.FromArray(new float[] { 1, -1 }, 1, 2));
        var y = new Sequential(a, new ReLU(), b).Forward(Tensor.FromArray(new float[] { 1, -1 }, 1, 2));
        // a: [1·1 + 2·(−1), 3·1 + 4·(−1)] = [−1, −1] → relu → [0, 0] → b → 0
        Assert.Equal(0f, y.Item());
        var y2 = new Sequential(a, b).Forward(Tensor.FromArray(new float[] { 1, -1 }, 1, 2));
        Assert.Equal(0f, y2.Item()); // −1 − (−1)
        var y3 = new Sequential(a, b).Forward(Tensor.FromArray(new float[] { 2, 1 }, 1, 2));
        Assert.Equal(4f - 10f, y3.Item());
    }

    [Fact]
    public void ModuleListAndDictRegisterTheirKeys()
    {
        var list = new ModuleList<Linear>(new[] { new Linear(1, 1), new Linear(1, 1, bias: false) });
        Assert.Equal(new[] { "0.weight", "0.bias", "1.weight" }, Keys(list));
        Assert.Equal(2, list.Count);
        var dict = new ModuleDict<Module>();
        dict.Add("proj", new Linear(2, 2, bias: false));
        dict.Add("norm", new LayerNorm(2));
        Assert.Equal(new[] { "proj.weight", "norm.weight", "norm.bias" }, Keys(dict));
        Assert.True(dict.ContainsKey("norm"));
        Assert.Throws<KeyNotFoundException>(() => dict["head"]);
        Assert.Throws<ArgumentException>(() => dict.Add("proj", new Identity()));
    }

    [Fact]
    public void BatchNormBuffersAreStrictlyLoadedIncludingTheInt64Counter()
    {
        var bn = new BatchNorm2d(2);
        var sd = bn.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone().Detach());
        Assert.Equal(DType.Int64, sd["num_batches_tracked"].DType);
        sd["num_batches_tracked"] = Tensor.FromLongs(new long[] { 7 }, Array.Empty<int>());
        bn.LoadStateDict(sd);
        Assert.Equal(7f, bn.NumBatchesTracked!.Item());
        sd.Remove("num_batches_tracked");
        var ex = Assert.Throws<StateDictException>(() => new BatchNorm2d(2).LoadStateDict(sd));
        Assert.Contains("num_batches_tracked", ex.Message);
    }

    [Fact]
    public void BatchNormCountsBatchesOnlyInTraining()
    {
        var bn = new BatchNorm2d(1);
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 1, 1, 2);
        bn.Forward(x);
        bn.Forward(x);
        Assert.Equal(2f, bn.NumBatchesTracked!.Item());
        // mean 2.5, unbiased var 5/3: running_mean = 0.9·0 + 0.1·2.5 twice; running_var = 0.9·1 + 0.1·5/3 twice.
        Assert.Equal(0.25f * 0.9f + 0.25f, bn.RunningMean![0], 5);
        Assert.Equal(((0.9f + 0.5f / 3) * 0.9f) + 0.5f / 3, bn.RunningVar![0], 5);
        bn.Eval();
        var before = bn.RunningMean.ToArray();
        var y = bn.Forward(x);
        Assert.Equal(2f, bn.NumBatchesTracked.Item());
        Assert.Equal(before, bn.RunningMean.ToArray());
        float rv = bn.RunningVar[0];
        Assert.Equal((1f - before[0]) / MathF.Sqrt(rv + 1e-5f), y.ToArray()[0], 5);
    }

    [Fact]
    public void BatchNormWithoutRunningStatsUsesBatchStatisticsInEval()
    {
        var bn = new BatchNorm2d(1, trackRunningStats: false);
        Assert.Equal(new[] { "weight", "bias" }, Keys(bn));
        bn.Eval();
        var y = bn.Forward(Tensor.FromArray(new float[] { 1, 3 }, 2, 1, 1, 1)).ToArray();
        Assert.Equal(-1f, y[0], 3);
        Assert.Equal(1f, y[1], 3);
    }

    [Fact]
    public void BatchNormRejectsASingleValuePerChannelInTraining()
    {
        var bn = new BatchNorm2d(2);
        Assert.Throws<TensorShapeException>(() => bn.Forward(Tensor.Ones(1, 2, 1, 1)));
    }
}
