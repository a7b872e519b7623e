namespace MedFM.Training.Schedules;

/// <summary>torch's MultiStepLR: BaseLr·gamma^(number of milestones ≤ step).</summary>
public sealed class MultiStepSchedule : LrSchedule
{
    private readonly long[] milestones;

    public MultiStepSchedule(double baseLr, IEnumerable<long> milestones, double gamma = 0.1)
    {
        this.milestones = milestones.ToArray();
        for (int i = 1; i < this.milestones.Length; i++)
            if (this.milestones[i] < this.milestones[i - 1]) throw new ArgumentException("milestones must be non-decreasing");
        BaseLr = baseLr;
        Gamma = gamma;
    }

    public double BaseLr { get; }

    public double Gamma { get; }

    public IReadOnlyList<long> Milestones => milestones;

    public override double LrAt(long step)
    {
        CheckStep(step);
        int passed = 0;
        foreach (var m in milestones) if (m <= step) passed++;
        return BaseLr * Math.Pow(Gamma, passed);
    }
}
