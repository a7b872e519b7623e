using MedFM.NN.Layers;
using MedFM.Tensors;
using Xunit;

namespace MedFM.NN.Tests;

public class ModuleConveniencesTests
{
    private sealed class Block : Module<Tensor, Tensor>
    {
        public Block()
        {
            Norm = Register("norm", new LayerNorm(4));
            Fc = Register("fc", new Linear(4, 4));
        }

        public LayerNorm Norm { get; }

        public Linear Fc { get; }

        public override Tensor Forward(Tensor input) => Fc.Forward(Norm.Forward(input));
    }

    private sealed class Net : Module<Tensor, Tensor>
    {
        public Net(int depth)
        {
            Stem = Register("patch_embed", new Linear(3, 4));
            Blocks = Register("blocks", new ModuleList<Block>(Enumerable.Range(0, depth).Select(_ => new Block())));
            Head = Register("head", new Linear(4, 2));
        }

        public Linear Stem { get; }

        public ModuleList<Block> Blocks { get; }

        public Linear Head { get; }

        public override Tensor Forward(Tensor input)
        {
            var x = Stem.Forward(input);
            foreach (var b in Blocks) x = b.Forward(x);
            return Head.Forward(x);
        }
    }

    [Fact]
    public void ApplyVisitsChildrenBeforeParents()
    {
        var order = new List<string>();
        new Net(1).Apply(m => order.Add(m.GetType().Name));
        Assert.Equal(new[] { "Linear", "LayerNorm", "Linear", "Block", "ModuleList`1", "Linear", "Net" }, order);
    }

    [Fact]
    public void FreezingByPrefixMatchesWholeSegments()
    {
        var net = new Net(12);
        int n = net.FreezePrefixes("patch_embed", "blocks.1");
        Assert.Equal(2 + 4, n); // blocks.1 but not blocks.10 / blocks.11
        Assert.False(net.Blocks[1].Fc.Weight.RequiresGrad);
        Assert.True(net.Blocks[10].Fc.Weight.RequiresGrad);
        Assert.Equal(net.ParameterCount() - (3 * 4 + 4) - (4 + 4 + 16 + 4), net.ParameterCount(trainableOnly: true));
        Assert.Throws<ArgumentException>(() => net.FreezePrefixes("blokcs"));
        net.UnfreezePrefixes("blocks.1.fc");
        Assert.True(net.Blocks[1].Fc.Bias!.RequiresGrad);
        Assert.Equal(2, net.TrainableNamedParameters().Count(p => p.Name.StartsWith("blocks.1.")));
    }

    [Fact]
    public void ParameterFiltersAndLookups()
    {
        var net = new Net(2);
        Assert.Equal(new[] { "blocks.0.norm.weight", "blocks.0.norm.bias", "blocks.0.fc.weight", "blocks.0.fc.bias" },
            net.NamedParametersWithPrefix("blocks.0").Select(p => p.Name));
        Assert.Equal(net.ParameterCount(), net.NamedParametersWhere((_, _) => true).Sum(p => (long)p.Parameter.Numel));
        Assert.Equal(6, net.NamedParametersWhere((_, p) => p.Rank == 1).Count() - 2); // 2 blocks × 2 norms+bias, stem/head bias
        Assert.Same(net.Blocks[1].Norm, net.GetSubmodule("blocks.1.norm"));
        var ex = Assert.Throws<KeyNotFoundException>(() => net.GetSubmodule("blocks.5.norm"));
        Assert.Contains("'5'", ex.Message);
        Assert.Same(net.Head.Weight, net.GetTensor("head.weight"));
        Assert.Contains("total", net.ParameterSummary());
    }

    [Fact]
    public void TrainAndEvalReachEveryModule()
    {
        var net = new Net(2);
        net.Eval();
        Assert.All(net.NamedModules(), m => Assert.False(m.Module.Training));
        net.Train();
        Assert.All(net.NamedModules(), m => Assert.True(m.Module.Training));
    }
}
