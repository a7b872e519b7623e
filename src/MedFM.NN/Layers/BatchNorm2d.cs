using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>
/// torch.nn.BatchNorm2d: keys "weight", "bias" (affine), "running_mean", "running_var" and "num_batches_tracked"
/// (an int64 0-D buffer) when tracking running stats. Training normalises with batch statistics and updates the
/// running ones (unbiased variance; momentum null = cumulative average); evaluation uses the running statistics.
/// </summary>
public sealed class BatchNorm2d : Module<Tensor, Tensor>
{
    public BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    {
        if (numFeatures < 1) throw new ArgumentException($"BatchNorm2d: num_features must be positive, got {numFeatures}");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(numFeatures));
            Bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.FromLongs(new long[] { 0 }, Array.Empty<int>()));
        }
    }

    public int NumFeatures { get; }

    public double Eps { get; }

    /// <summary>Running-average factor; null = cumulative moving average (1 / batches seen).</summary>
    public double? Momentum { get; }

    public bool Affine { get; }

    public bool TrackRunningStats { get; }

    public Tensor? Weight { get; }

    public Tensor? Bias { get; }

    public Tensor? RunningMean { get; }

    public Tensor? RunningVar { get; }

    public Tensor? NumBatchesTracked { get; }

    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 4) throw new TensorShapeException("batch_norm2d", $"expected 4-D input [N, C, H, W], got {ShapeUtil.Format(input.Shape)}");
        double factor = Momentum ?? 0.0;
        if (Training && TrackRunningStats)
        {
            var n = NumBatchesTracked!.LongSpan;
            n[0] += 1;
            if (Momentum is null) factor = 1.0 / n[0];
        }
        // Batch statistics in training, and in evaluation when no running statistics are kept.
        bool useBatch = Training || RunningMean is null;
        return Functional.BatchNorm(input, useBatch && !Training ? null : RunningMean, useBatch && !Training ? null : RunningVar,
            Weight, Bias, useBatch, factor, Eps);
    }

    protected override string ExtraRepr() =>
        $"{NumFeatures}, eps={PyRepr.Float(Eps)}, momentum={(Momentum is double m ? PyRepr.Float(m) : "None")}, " +
        $"affine={PyRepr.Bool(Affine)}, track_running_stats={PyRepr.Bool(TrackRunningStats)}";
}
