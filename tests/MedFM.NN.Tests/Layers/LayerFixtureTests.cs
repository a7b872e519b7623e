using MedFM.NN.Layers;
using MedFM.NN.Tests.Support;
using MedFM.Tensors;
using MedFM.TestSupport;
using Xunit;

namespace MedFM.NN.Tests.Layers;

/// <summary>
/// Each layer against torch 1.13 (tests/Fixtures/nn/layers.json, written by tools/nn/make_fixtures.py): identical
/// state-dict keys, shapes and dtypes; strict loading of torch's random weights; forward output; input and parameter
/// gradients of Σ output·R for a fixed R; running statistics after the forward.
/// </summary>
public class LayerFixtureTests
{
    private const string File = "nn/layers.json";

    public static IEnumerable<object[]> Cases => JsonFixture.CaseNames(File, "cases");

    internal static Module Build(string name) => name switch
    {
        "conv2d_basic" => new Conv2d(3, 4, 3, padding: 1),
        "conv2d_strided_grouped" => new Conv2d(4, 6, new[] { 3, 2 }, new[] { 2, 1 }, new[] { 1, 2 }, new[] { 2, 1 }, groups: 2, bias: false),
        "conv2d_unbatched" => new Conv2d(2, 3, 2, stride: 2),
        "conv3d" => new Conv3d(2, 3, new[] { 2, 3, 3 }, new[] { 1, 2, 1 }, new[] { 0, 1, 1 }, new[] { 1 }),
        "conv_transpose2d_basic" => new ConvTranspose2d(4, 2, 2, stride: 2),
        "conv_transpose2d_complex" => new ConvTranspose2d(4, 6, 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: 2),
        "layer_norm" => new LayerNorm(6),
        "layer_norm_2dims" => new LayerNorm(new[] { 3, 4 }, eps: 1e-6),
        "layer_norm_no_affine" => new LayerNorm(5, elementwiseAffine: false),
        "layer_norm2d_sam" => new LayerNorm2d(4),
        "batch_norm2d_train" or "batch_norm2d_eval" => new BatchNorm2d(3),
        "batch_norm2d_cumulative" => new BatchNorm2d(2, momentum: null),
        "embedding" => new Embedding(10, 4, paddingIdx: 1),
        "max_pool2d_ceil" => new MaxPool2d(3, 2, 1, ceilMode: true),
        "max_pool2d_dilated" => new MaxPool2d(2, stride: 1, dilation: 2),
        "avg_pool2d_ceil_include_pad" => new AvgPool2d(3, 2, 1, ceilMode: true),
        "avg_pool2d_exclude_pad" => new AvgPool2d(new[] { 3, 2 }, new[] { 2, 2 }, new[] { 1, 1 }, countIncludePad: false),
        "avg_pool2d_divisor" => new AvgPool2d(2, divisorOverride: 3),
        "adaptive_avg_pool2d_uneven" => new AdaptiveAvgPool2d(new[] { 3, 2 }),
        "adaptive_avg_pool2d_even" => new AdaptiveAvgPool2d(2),
        "activations" => new Sequential(new GELU("tanh"), new SiLU(), new GELU(), new Tanh(), new Sigmoid(), new ReLU()),
        "sequential_gaps" => new Sequential(new Conv2d(3, 4, 3, padding: 1), new ReLU(), new BatchNorm2d(4), new Conv2d(4, 2, 1, bias: false),
            new GELU(), new Dropout(0.2), new Flatten(), new Linear(50, 3)),
        _ => throw new ArgumentException($"no C# counterpart for fixture case '{name}'"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void KeysShapesAndDtypesEqualTorch(string name)
    {
        var c = JsonFixture.Case(JsonFixture.Load(File).GetProperty("cases"), name);
        var expected = c.GetProperty("keys").EnumerateArray()
            .Select(k => $"{k[0].GetString()} {ShapeUtil.Format(JsonFixture.Ints(k[1]))} {k[2].GetString()}").ToList();
        var actual = Build(name).StateDict().Select(kv => $"{kv.Key} {ShapeUtil.Format(kv.Value.Shape)} {kv.Value.DType.Name()}").ToList();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BuildsUnderMetaScopeWithTheSameKeys(string name)
    {
        var real = Build(name).StateDict().Select(kv => (kv.Key, ShapeUtil.Format(kv.Value.Shape), kv.Value.DType)).ToList();
        Module meta;
        using (Tensor.MetaScope()) meta = Build(name);
        Assert.All(meta.StateDict(), kv => Assert.True(kv.Value.IsMeta, kv.Key));
        Assert.Equal(real, meta.StateDict().Select(kv => (kv.Key, ShapeUtil.Format(kv.Value.Shape), kv.Value.DType)).ToList());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReprEqualsTorch(string name)
    {
        var c = JsonFixture.Case(JsonFixture.Load(File).GetProperty("cases"), name);
        var expected = c.GetProperty("repr").GetString()!;
        // SAM's LayerNorm2d is not a torch class: its repr is the class name and no arguments in both.
        Assert.Equal(expected, Build(name).ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndGradientsMatchTorch(string name)
    {
        var c = JsonFixture.Case(JsonFixture.Load(File).GetProperty("cases"), name);
        var m = (Module<Tensor, Tensor>)Build(name);
        var report = m.LoadStateDict(JsonFixture.TensorDict(c.GetProperty("state")));
        Assert.True(report.IsComplete, report.ToString());
        m.Train(c.GetProperty("mode").GetString() == "train");
        var x = JsonFixture.Tensor(c.GetProperty("input"));
        if (x.DType == DType.Float32) x.RequiresGrad = true;
        var y = m.Forward(x);
        var expectedOut = JsonFixture.Tensor(c.GetProperty("output"));
        TensorAssert.Shape(y, expectedOut.ShapeArray());
        TensorAssert.Close(expectedOut.ToArray(), y, atol: 2e-5, rtol: 1e-4);

        y.Mul(JsonFixture.Tensor(c.GetProperty("projection"))).Sum().Backward();
        foreach (var g in c.GetProperty("grads").EnumerateObject())
        {
            var actual = g.Name == "input" ? x.Grad : m.GetTensor(g.Name).Grad;
            Assert.True(actual is not null, $"{name}: no gradient for {g.Name}");
            TensorAssert.Close(JsonFixture.Tensor(g.Value).ToArray(), actual!, atol: 5e-5, rtol: 1e-4);
        }
        foreach (var (key, expected) in JsonFixture.TensorDict(c.GetProperty("state_after")))
            TensorAssert.Close(expected.ToArray(), m.GetTensor(key), atol: 1e-6, rtol: 1e-5);
    }
}
