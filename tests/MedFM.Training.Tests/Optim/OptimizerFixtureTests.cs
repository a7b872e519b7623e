using System.Text.Json;
using MedFM.NN.Tests.Support;
using MedFM.Tensors;
using MedFM.TestSupport;
using MedFM.Training.Optim;
using Xunit;

namespace MedFM.Training.Tests.Optim;

/// <summary>
/// Five steps of each optimizer on fixed gradients against torch 1.13's single-tensor implementations
/// (tests/Fixtures/training/optim.json): parameters after every step within 1e-6 relative, and the final state.
/// </summary>
public class OptimizerFixtureTests
{
    private const string File = "training/optim.json";

    public static IEnumerable<object[]> Cases => JsonFixture.CaseNames(File, "cases");

    private static Optimizer Build(string name, Tensor[] p) => name switch
    {
        "sgd_plain" => new SGD(p, lr: 0.1),
        "sgd_momentum_dampening_wd" => new SGD(p, lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01),
        "sgd_nesterov" => new SGD(p, lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3),
        "adam_l2" => new Adam(p, lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01),
        "adam_amsgrad" => new Adam(p, lr: 1e-2, amsgrad: true),
        "adam_maximize" => new Adam(p, lr: 1e-3, maximize: true),
        "adamw_groups" => new AdamW(new[]
        {
            new ParamGroup(new[] { p[0] }) { WeightDecay = 0.05, Lr = 1e-2 },
            new ParamGroup(new[] { p[1] }) { WeightDecay = 0.0, Lr = 5e-3, Betas = (0.8, 0.95) },
        }, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8),
        "adamw_amsgrad" => new AdamW(p, lr: 1e-2, weightDecay: 0.1, amsgrad: true, eps: 1e-6),
        "adamw_scheduled_lr_scale" => new AdamW(new[]
        {
            new ParamGroup(new[] { p[0] }) { LrScale = 0.5 },
            new ParamGroup(new[] { p[1] }) { LrScale = 1.0, WeightDecay = 0.0 },
        }, lr: 1e-3, weightDecay: 0.05),
        _ => throw new ArgumentException($"no optimizer for fixture case '{name}'"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrajectoryMatchesTorch(string name)
    {
        var c = JsonFixture.Case(JsonFixture.Load(File).GetProperty("cases"), name);
        var p = c.GetProperty("init").EnumerateArray().Select(e => JsonFixture.Tensor(e).RequireGrad()).ToArray();
        var opt = Build(name, p);
        var grads = c.GetProperty("grads").EnumerateArray().ToList();
        var after = c.GetProperty("after").EnumerateArray().ToList();
        var lrs = c.GetProperty("lrs");
        for (int step = 0; step < grads.Count; step++)
        {
            var gs = grads[step].EnumerateArray().ToList();
            for (int i = 0; i < p.Length; i++)
                p[i].Grad = gs[i].ValueKind == JsonValueKind.Null ? null : JsonFixture.Tensor(gs[i]);
            if (lrs.ValueKind == JsonValueKind.Array)
                foreach (var g in opt.ParamGroups) g.Lr = lrs[step].GetDouble() * g.LrScale;
            opt.Step();
            var expected = after[step].EnumerateArray().ToList();
            for (int i = 0; i < p.Length; i++)
                TensorAssert.Close(JsonFixture.Floats(expected[i].GetProperty("data")), p[i], atol: 1e-7, rtol: 1e-6);
        }
        var sd = opt.StateDict();
        foreach (var s in c.GetProperty("state").EnumerateObject())
        {
            var key = "state." + s.Name;
            Assert.True(sd.ContainsKey(key), $"{name}: state dict lacks '{key}' (has {string.Join(", ", sd.Keys)})");
            TensorAssert.Close(JsonFixture.Floats(s.Value.GetProperty("data")), sd[key], atol: 1e-7, rtol: 1e-6);
        }
        int stateKeys = sd.Keys.Count(k => k.StartsWith("state.", StringComparison.Ordinal));
        Assert.Equal(c.GetProperty("state").EnumerateObject().Count(), stateKeys);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GroupsCarryTorchHyperParameters(string name)
    {
        var c = JsonFixture.Case(JsonFixture.Load(File).GetProperty("cases"), name);
        var p = c.GetProperty("init").EnumerateArray().Select(e => JsonFixture.Tensor(e).RequireGrad()).ToArray();
        var opt = Build(name, p);
        var groups = c.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(groups.Count, opt.ParamGroups.Count);
        for (int i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            var ours = opt.ParamGroups[i];
            if (c.GetProperty("lrs").ValueKind != JsonValueKind.Array) Assert.Equal(g.GetProperty("lr").GetDouble(), ours.Lr);
            Assert.Equal(g.GetProperty("weight_decay").GetDouble(), ours.WeightDecay);
            if (g.TryGetProperty("momentum", out var m)) Assert.Equal(m.GetDouble(), ours.Momentum);
            if (g.TryGetProperty("eps", out var e)) Assert.Equal(e.GetDouble(), ours.Eps);
            if (g.GetProperty("betas").ValueKind == JsonValueKind.Array)
                Assert.Equal((g.GetProperty("betas")[0].GetDouble(), g.GetProperty("betas")[1].GetDouble()), ours.Betas);
        }
    }
}
