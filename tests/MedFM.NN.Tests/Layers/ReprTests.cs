using MedFM.NN.Layers;
using MedFM.NN.Tests.Support;
using MedFM.Tensors;
using Xunit;

namespace MedFM.NN.Tests.Layers;

/// <summary>ToString() prints the module tree exactly as PyTorch's repr (strings captured from torch 1.13).</summary>
public class ReprTests
{
    private static string Torch(string key) => JsonFixture.Load("nn/layers.json").GetProperty("reprs").GetProperty(key).GetString()!;

    /// <summary>A container that registers arbitrary children by name, like an nn.Module with attributes.</summary>
    private sealed class Tree : Module<Tensor, Tensor>
    {
        public Tree Add(string name, Module m)
        {
            Register(name, m);
            return this;
        }

        protected override string TypeName => "Sequential";

        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void NestedTreeMatchesTorch()
    {
        var list = new ModuleList<Linear>(new[] { new Linear(2, 3), new Linear(3, 3, bias: false) });
        var dict = new ModuleDict<Module>();
        dict.Add("a", new ReLU());
        var modules = new Module[]
        {
            new Conv2d(3, 8, 3, padding: 1), new ReLU(), new BatchNorm2d(8), list, new MaxPool2d(2), new AvgPool2d(3, 2, 1),
            new AdaptiveAvgPool2d(new[] { 1, 1 }), new Flatten(), new Dropout(0.1), new GELU(), new LayerNorm(8),
            new Embedding(10, 4, paddingIdx: 0), new ConvTranspose2d(2, 4, 2, stride: 2), new Conv3d(1, 2, 3), new Identity(),
            new SiLU(), new Sigmoid(), new Tanh(), dict, new Sequential(),
        };
        var tree = new Tree();
        for (int i = 0; i < modules.Length; i++) tree.Add(i.ToString(), modules[i]);
        Assert.Equal(Torch("tree"), tree.ToString());
    }

    [Fact]
    public void LayerArgumentsMatchTorch()
    {
        Assert.Equal(Torch("conv2d_full"), new Conv2d(4, 4, 3, 2, 1, 2, 2, bias: false).ToString());
        Assert.Equal(Torch("conv_transpose2d_full"), new ConvTranspose2d(4, 4, 3, 2, 1, 1, 2, false, 2).ToString());
        Assert.Equal(Torch("layer_norm"), new LayerNorm(new[] { 3, 4 }, eps: 1e-6, elementwiseAffine: false).ToString());
        Assert.Equal(Torch("batch_norm2d"), new BatchNorm2d(3, eps: 1e-3, momentum: null).ToString());
        Assert.Equal(Torch("max_pool2d"), new MaxPool2d(3, 2, 1, ceilMode: true).ToString());
        Assert.Equal(Torch("gelu_tanh"), new GELU("tanh").ToString());
        Assert.Equal(Torch("dropout"), new Dropout(0.25).ToString());
    }

    [Theory]
    [InlineData(1e-5, "1e-05")]
    [InlineData(1e-6, "1e-06")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(2.5e-5, "2.5e-05")]
    [InlineData(1.0, "1.0")]
    [InlineData(100.0, "100.0")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(-0.75, "-0.75")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(0.0, "0.0")]
    public void FloatsPrintAsPythonRepr(double value, string python) => Assert.Equal(python, PyRepr.Float(value));

    [Fact]
    public void DropPathPrintsAsTimm() => Assert.Equal("DropPath(drop_prob=0.125)", new DropPath(0.1254).ToString());
}
