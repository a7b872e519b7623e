using MedFM.NN;
using MedFM.NN.Tests.Support;
using MedFM.Tensors;
using MedFM.Training.Optim;
using Xunit;

namespace MedFM.Training.Tests.Optim;

public class ParamGroupsTests
{
    /// <summary>A module with exactly the named parameters (and shapes) of a fixture list.</summary>
    private sealed class Named : Module
    {
        public Named(IEnumerable<(string Name, int[] Shape, bool Trainable)> ps)
        {
            var nodes = new Dictionary<string, Named>();
            foreach (var (name, shape, trainable) in ps)
            {
                var parts = name.Split('.');
                Named owner = this;
                string path = "";
                for (int i = 0; i < parts.Length - 1; i++)
                {
                    path = path.Length == 0 ? parts[i] : path + "." + parts[i];
                    if (!nodes.TryGetValue(path, out var child))
                    {
                        child = new Named(Array.Empty<(string, int[], bool)>());
                        owner.Add(parts[i], child);
                        nodes[path] = child;
                    }
                    owner = child;
                }
                owner.Param(parts[^1], Tensor.Zeros(shape)).RequiresGrad = trainable;
            }
        }

        private void Add(string name, Module m) => Register(name, m);

        private Tensor Param(string name, Tensor t) => RegisterParameter(name, t);
    }

    [Fact]
    public void LayerDecayGroupsEqualMae()
    {
        var f = JsonFixture.Load("training/param_groups.json");
        var ps = f.GetProperty("parameters").EnumerateArray()
            .Select(e => (e[0].GetString()!, JsonFixture.Ints(e[1]), e[2].GetBoolean())).ToList();
        var model = new Named(ps);
        Assert.Equal(ps.Select(p => p.Item1), model.NamedParameters().Select(p => p.Name));
        var noWd = f.GetProperty("no_weight_decay").EnumerateArray().Select(e => e.GetString()!).ToList();
        var groups = ParamGroups.LayerDecay(model, f.GetProperty("weight_decay").GetDouble(), f.GetProperty("layer_decay").GetDouble(), noWd);
        var expected = f.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(expected.Select(e => e.GetProperty("name").GetString()), groups.Select(g => g.Name));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].GetProperty("lr_scale").GetDouble(), groups[i].LrScale, 12);
            Assert.Equal(expected[i].GetProperty("weight_decay").GetDouble(), groups[i].WeightDecay);
            Assert.Equal(expected[i].GetProperty("params").EnumerateArray().Select(e => e.GetString()), groups[i].ParamNames!);
        }
    }

    [Fact]
    public void WeightDecayGroupsFollowTimmRule()
    {
        var model = new Named(new (string, int[], bool)[]
        {
            ("cls_token", new[] { 1, 1, 4 }, true), ("pos_embed", new[] { 1, 5, 4 }, true), ("proj.weight", new[] { 4, 4 }, true),
            ("proj.bias", new[] { 4 }, true), ("norm.weight", new[] { 4 }, true), ("scale", Array.Empty<int>(), true),
            ("frozen.weight", new[] { 2, 2 }, false), ("odd.bias", new[] { 2, 2 }, true),
        });
        var groups = ParamGroups.WeightDecay(model, 0.05, ParamGroups.VitNoWeightDecay);
        Assert.Equal(new[] { "no_decay", "decay" }, groups.Select(g => g.Name));
        Assert.Equal(new[] { "cls_token", "pos_embed", "scale", "proj.bias", "norm.weight", "odd.bias" }, groups[0].ParamNames!);
        Assert.Equal(new[] { "proj.weight" }, groups[1].ParamNames!);
        Assert.Equal(0.0, groups[0].WeightDecay);
        Assert.Equal(0.05, groups[1].WeightDecay);
        // The groups plug into an optimizer, which fills the rest from its defaults.
        var opt = new AdamW(groups, lr: 1e-3);
        Assert.Equal(0.05, opt.ParamGroups[1].WeightDecay);
    }

    [Theory]
    [InlineData("cls_token", 0)]
    [InlineData("patch_embed.proj.weight", 0)]
    [InlineData("blocks.0.attn.qkv.weight", 1)]
    [InlineData("blocks.11.mlp.fc2.bias", 12)]
    [InlineData("norm.weight", 13)]
    [InlineData("head.weight", 13)]
    [InlineData("blocksy.0.weight", 13)]
    public void LayerIdsFollowMae(string name, int id) => Assert.Equal(id, ParamGroups.LayerId(name, 13));
}
