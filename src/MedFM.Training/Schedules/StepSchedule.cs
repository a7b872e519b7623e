namespace MedFM.Training.Schedules;

/// <summary>torch's StepLR: BaseLr·gamma^⌊step / StepSize⌋.</summary>
public sealed class StepSchedule : LrSchedule
{
    public StepSchedule(double baseLr, long stepSize, double gamma = 0.1)
    {
        if (stepSize < 1) throw new ArgumentException($"step size must be positive, got {stepSize}");
        BaseLr = baseLr;
        StepSize = stepSize;
        Gamma = gamma;
    }

    public double BaseLr { get; }

    public long StepSize { get; }

    public double Gamma { get; }

    public override double LrAt(long step)
    {
        CheckStep(step);
        return BaseLr * Math.Pow(Gamma, step / StepSize);
    }
}
