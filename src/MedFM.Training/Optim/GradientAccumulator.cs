using MedFM.Tensors;
using MedFM.Training.Schedules;

namespace MedFM.Training.Optim;

/// <summary>
/// Gradient accumulation over k micro-batches: each loss is scaled by 1/k before backward, and every k-th micro-batch
/// the gradients are (optionally) clipped, the schedule (if any) sets the lr, the optimizer steps and the gradients
/// are cleared. The effective batch is k micro-batches with the same mean-reduced loss as one big batch.
/// </summary>
public sealed class GradientAccumulator
{
    private readonly Optimizer optimizer;
    private readonly LrSchedule? schedule;

    public GradientAccumulator(Optimizer optimizer, int steps, double? maxGradNorm = null, LrSchedule? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (steps < 1) throw new ArgumentException($"accumulation steps must be at least 1, got {steps}");
        this.optimizer = optimizer;
        this.schedule = schedule;
        Steps = steps;
        MaxGradNorm = maxGradNorm;
    }

    /// <summary>Micro-batches per optimizer step (k).</summary>
    public int Steps { get; }

    public double? MaxGradNorm { get; }

    /// <summary>Micro-batches accumulated since the last optimizer step.</summary>
    public int Pending { get; private set; }

    /// <summary>Optimizer steps taken so far (the schedule's step counter).</summary>
    public long OptimizerSteps { get; set; }

    /// <summary>The gradient norm measured at the last step (when clipping), else null.</summary>
    public float? LastGradNorm { get; private set; }

    /// <summary>Backward of loss/k; steps when k micro-batches have accumulated. Returns whether it stepped.</summary>
    public bool Backward(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        (Steps == 1 ? loss : loss.Div(Steps)).Backward();
        Pending++;
        if (Pending < Steps) return false;
        StepNow();
        return true;
    }

    /// <summary>Steps with what has accumulated (e.g. at the end of an epoch); returns false if nothing was pending.</summary>
    public bool Flush()
    {
        if (Pending == 0) return false;
        StepNow();
        return true;
    }

    private void StepNow()
    {
        if (MaxGradNorm is double max)
            LastGradNorm = GradClip.ClipGradNorm(optimizer.ParamGroups.SelectMany(g => g.Params), max);
        schedule?.Apply(optimizer, OptimizerSteps);
        optimizer.Step();
        optimizer.ZeroGrad();
        OptimizerSteps++;
        Pending = 0;
    }
}
