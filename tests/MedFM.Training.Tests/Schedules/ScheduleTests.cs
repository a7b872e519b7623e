using MedFM.NN.Tests.Support;
using MedFM.Tensors;
using MedFM.Training.Optim;
using MedFM.Training.Schedules;
using Xunit;

namespace MedFM.Training.Tests.Schedules;

/// <summary>Learning-rate schedules against torch's schedulers and MAE's lr_sched (tests/Fixtures/training/schedules.json).</summary>
public class ScheduleTests
{
    private static readonly System.Text.Json.JsonElement F = JsonFixture.Load("training/schedules.json");

    private static void Match(LrSchedule s, System.Text.Json.JsonElement e)
    {
        var lrs = e.GetProperty("lrs").EnumerateArray().Select(v => v.GetDouble()).ToList();
        for (int i = 0; i < lrs.Count; i++) Assert.Equal(lrs[i], s.LrAt(i), 1e-9 * Math.Max(lrs[i], 1e-12) + 1e-15);
    }

    [Theory]
    [InlineData("cosine_warmup_torch")]
    [InlineData("cosine_warmup_mae")]
    public void CosineWithWarmup(string key)
    {
        var e = F.GetProperty(key);
        Match(new CosineWarmupSchedule(e.GetProperty("base_lr").GetDouble(), e.GetProperty("warmup_steps").GetInt32(),
            e.GetProperty("total_steps").GetInt32(), e.GetProperty("min_lr").GetDouble(), e.GetProperty("warmup_start_lr").GetDouble()), e);
    }

    [Fact]
    public void StepAndMultiStep()
    {
        Match(new StepSchedule(0.1, 3, 0.5), F.GetProperty("step"));
        Match(new MultiStepSchedule(0.1, new long[] { 2, 5, 7 }, 0.1), F.GetProperty("multistep"));
    }

    [Fact]
    public void ConstantWithWarmupAndPastTheEnd()
    {
        var c = new ConstantSchedule(0.4, warmupSteps: 4, warmupStartLr: 0.0);
        Assert.Equal(new[] { 0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.4 }, Enumerable.Range(0, 6).Select(i => c.LrAt(i)));
        Assert.Equal(1e-6, new CosineWarmupSchedule(1e-3, 2, 10, 1e-6).LrAt(50));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.LrAt(-1));
        Assert.Throws<ArgumentException>(() => new CosineWarmupSchedule(1e-3, 10, 10));
    }

    [Fact]
    public void ApplyScalesEachGroup()
    {
        var opt = new AdamW(new[]
        {
            new ParamGroup(new[] { Tensor.Zeros(2).RequireGrad() }) { LrScale = 0.25 },
            new ParamGroup(new[] { Tensor.Zeros(2).RequireGrad() }),
        });
        double lr = new CosineWarmupSchedule(1e-3, 10, 100).Apply(opt, 5);
        Assert.Equal(5e-4, lr, 15);
        Assert.Equal(1.25e-4, opt.ParamGroups[0].Lr, 15);
        Assert.Equal(5e-4, opt.ParamGroups[1].Lr, 15);
    }
}
