namespace MedFM.Training.Schedules;

/// <summary>
/// Linear warm-up from WarmupStartLr to BaseLr over WarmupSteps, then a half cosine from BaseLr to MinLr at TotalSteps
/// (MinLr afterwards). Equals MAE's schedule (warm-up from 0) and torch's LinearLR→CosineAnnealingLR chain.
/// </summary>
public sealed class CosineWarmupSchedule : LrSchedule
{
    public CosineWarmupSchedule(double baseLr, long warmupSteps, long totalSteps, double minLr = 0, double warmupStartLr = 0)
    {
        if (warmupSteps < 0 || totalSteps <= warmupSteps)
            throw new ArgumentException($"cosine schedule needs 0 ≤ warmup steps ({warmupSteps}) < total steps ({totalSteps})");
        BaseLr = baseLr;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        MinLr = minLr;
        WarmupStartLr = warmupStartLr;
    }

    public double BaseLr { get; }

    public long WarmupSteps { get; }

    public long TotalSteps { get; }

    public double MinLr { get; }

    public double WarmupStartLr { get; }

    public override double LrAt(long step)
    {
        CheckStep(step);
        if (step < WarmupSteps) return Warmup(step, WarmupSteps, WarmupStartLr, BaseLr);
        if (step >= TotalSteps) return MinLr;
        double progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        return MinLr + (BaseLr - MinLr) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
