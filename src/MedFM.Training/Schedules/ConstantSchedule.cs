namespace MedFM.Training.Schedules;

/// <summary>A constant lr, optionally after a linear warm-up from WarmupStartLr.</summary>
public sealed class ConstantSchedule : LrSchedule
{
    public ConstantSchedule(double lr, long warmupSteps = 0, double warmupStartLr = 0)
    {
        if (warmupSteps < 0) throw new ArgumentException($"warm-up steps must be non-negative, got {warmupSteps}");
        Lr = lr;
        WarmupSteps = warmupSteps;
        WarmupStartLr = warmupStartLr;
    }

    public double Lr { get; }

    public long WarmupSteps { get; }

    public double WarmupStartLr { get; }

    public override double LrAt(long step)
    {
        CheckStep(step);
        return step < WarmupSteps ? Warmup(step, WarmupSteps, WarmupStartLr, Lr) : Lr;
    }
}
