using MedFM.Tensors;
using MedFM.Tensors.Random;
using MedFM.Training.Optim;
using Xunit;

namespace MedFM.Training.Tests.Optim;

public class OptimizerStateTests
{
    private static Tensor[] Params() => new[] { Tensor.Randn(new Generator(1), new[] { 40, 30 }).RequireGrad(), Tensor.Randn(new Generator(2), new[] { 7 }).RequireGrad() };

    private static void SetGrads(Tensor[] p, int step)
    {
        for (int i = 0; i < p.Length; i++) p[i].Grad = Tensor.Randn(new Generator((ulong)(100 + 10 * step + i)), p[i].ShapeArray());
    }

    [Theory]
    [InlineData("adamw")]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void SaveAndLoadResumesExactly(string kind)
    {
        Optimizer Make(Tensor[] p) => kind switch
        {
            "adamw" => new AdamW(p, lr: 1e-2, amsgrad: true),
            "adam" => new Adam(p, lr: 1e-2, weightDecay: 0.1),
            _ => new SGD(p, lr: 0.1, momentum: 0.9, nesterov: true),
        };
        var straight = Params();
        var optA = Make(straight);
        for (int s = 0; s < 5; s++) { SetGrads(straight, s); optA.Step(); }

        var resumed = Params();
        var optB = Make(resumed);
        for (int s = 0; s < 3; s++) { SetGrads(resumed, s); optB.Step(); }
        var saved = optB.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone().Detach());
        var snapshot = resumed.Select(p => p.Clone().Detach()).ToArray();

        var fresh = snapshot.Select(p => p.Clone().Detach().RequireGrad()).ToArray();
        var optC = Make(fresh);
        optC.LoadStateDict(saved);
        for (int s = 3; s < 5; s++) { SetGrads(fresh, s); optC.Step(); }
        for (int i = 0; i < fresh.Length; i++) Assert.Equal(straight[i].ToArray(), fresh[i].ToArray());
        if (kind != "sgd") Assert.Equal(5L, optC.StateOf(fresh[0])!.Step);
    }

    [Fact]
    public void StateDictNamesFollowTorch()
    {
        var p = Params();
        var opt = new AdamW(new[] { new ParamGroup(new[] { p[0] }), new ParamGroup(new[] { p[1] }) { WeightDecay = 0 } }, amsgrad: true);
        SetGrads(p, 0);
        p[1].Grad = null;
        opt.Step();
        var keys = opt.StateDict().Keys.Where(k => k.StartsWith("state.")).OrderBy(k => k).ToList();
        Assert.Equal(new[] { "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq", "state.0.step" }, keys);
        var sd = opt.StateDict();
        Assert.Equal(new float[] { 1 }, sd["param_groups.1.params"].ToArray());
        Assert.Equal(0.0, BitConverter.Int64BitsToDouble(sd["param_groups.1.weight_decay"].ToLongArray()[0]));
        Assert.Equal(0.01, BitConverter.Int64BitsToDouble(sd["param_groups.0.weight_decay"].ToLongArray()[0]));
    }

    [Fact]
    public void MismatchedStateIsRejectedByName()
    {
        var p = Params();
        var opt = new AdamW(p);
        SetGrads(p, 0);
        opt.Step();
        var sd = opt.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
        var other = new AdamW(new[] { Tensor.Zeros(40, 30).RequireGrad(), Tensor.Zeros(8).RequireGrad() });
        var ex = Assert.Throws<OptimizerStateException>(() => other.LoadStateDict(sd));
        Assert.Contains("state.1.exp_avg", ex.Message);
        sd["state.9.exp_avg"] = Tensor.Zeros(3);
        Assert.Contains("state.9.exp_avg", Assert.Throws<OptimizerStateException>(() => new AdamW(Params()).LoadStateDict(sd)).Message);
        sd.Remove("state.9.exp_avg");
        sd.Remove("param_groups.0.params");
        Assert.Contains("param_groups.0.params", Assert.Throws<OptimizerStateException>(() => new AdamW(Params()).LoadStateDict(sd)).Message);
    }

    [Fact]
    public void GroupsFillDefaultsAndRefuseSharedOrBadParameters()
    {
        var p = Params();
        var opt = new SGD(new[] { new ParamGroup(new[] { p[0] }, "body"), new ParamGroup(new[] { p[1] }, "head") { Lr = 1.0 } }, lr: 0.1, momentum: 0.5);
        Assert.Equal(0.1, opt.ParamGroups[0].Lr);
        Assert.Equal(1.0, opt.ParamGroups[1].Lr);
        Assert.Equal(0.5, opt.ParamGroups[1].Momentum);
        Assert.Equal(1.0, opt.ParamGroups[1].InitialLr);
        Assert.Throws<ArgumentException>(() => new SGD(new[] { new ParamGroup(p), new ParamGroup(new[] { p[0] }) }, lr: 0.1));
        Assert.Throws<ArgumentException>(() => new SGD(new[] { p[0].T }, lr: 0.1));
        Assert.Throws<ArgumentException>(() => new AdamW(p, beta1: 1.0));
        Assert.Throws<ArgumentException>(() => new SGD(p, lr: 0.1, nesterov: true));
        Assert.Throws<InvalidOperationException>(() => new ParamGroup(p).Lr);
    }

    [Fact]
    public void ParametersWithoutGradientsAreLeftAlone()
    {
        var p = Params();
        var before = p[1].ToArray();
        var opt = new AdamW(p, weightDecay: 0.5);
        SetGrads(p, 0);
        p[1].Grad = null;
        opt.Step();
        Assert.Equal(before, p[1].ToArray());
        Assert.Null(opt.StateOf(p[1]));
        opt.ZeroGrad();
        Assert.All(p, t => Assert.Null(t.Grad));
    }

    [Fact]
    public void LargeParametersUpdateTheSameInParallelChunks()
    {
        // 300k elements run on the thread team; the same values as a chunk-free scalar replay of the torch formula.
        var p = Tensor.Randn(new Generator(3), new[] { 300_000 }).RequireGrad();
        var g = Tensor.Randn(new Generator(4), new[] { 300_000 });
        var x0 = p.ToArray();
        p.Grad = g;
        new AdamW(new[] { p }, lr: 0.1, weightDecay: 0.1).Step();
        var gv = g.ToArray();
        var y = p.ToArray();
        for (int i = 0; i < x0.Length; i += 997)
        {
            float pi = x0[i] * (float)(1 - 0.1 * 0.1);
            float m = MathF.FusedMultiplyAdd(gv[i], 0.1f, 0f);
            float v = 0.001f * gv[i] * gv[i];
            float denom = MathF.Sqrt(v) / (float)Math.Sqrt(1 - 0.999) + 1e-8f;
            float expected = pi + (float)(-(0.1 / (1 - 0.9))) * m / denom;
            Assert.Equal(expected, y[i], 6);
        }
    }
}
