using MedFM.Training.Optim;

namespace MedFM.Training.Schedules;

/// <summary>
/// A learning rate as a function of the optimizer step (0-based). Apply sets every group's lr to LrAt(step)·LrScale,
/// as MAE's adjust_learning_rate does (facebookresearch/mae, util/lr_sched.py).
/// </summary>
public abstract class LrSchedule
{
    public abstract double LrAt(long step);

    /// <summary>Sets each group's lr for this step and returns the unscaled lr.</summary>
    public double Apply(Optimizer optimizer, long step)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        double lr = LrAt(step);
        foreach (var g in optimizer.ParamGroups) g.Lr = lr * g.LrScale;
        return lr;
    }

    protected static void CheckStep(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "the step must be non-negative");
    }

    /// <summary>Linear ramp from start to target over warmupSteps (step 0 gives start).</summary>
    protected static double Warmup(long step, long warmupSteps, double start, double target) =>
        start + (target - start) * step / warmupSteps;
}
