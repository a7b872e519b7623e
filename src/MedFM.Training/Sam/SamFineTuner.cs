using MedFM.Models.Sam;
using MedFM.Tensors;
using MedFM.Training.Losses;
using MedFM.Training.Optim;
using MedFM.Training.Schedules;

namespace MedFM.Training.Sam;

/// <summary>How a SAM-architecture model is trained on box prompts.</summary>
public sealed record SamFineTuneOptions
{
    public double Lr { get; init; } = 1e-4;

    public double WeightDecay { get; init; } = 0.01;

    public double MaxGradNorm { get; init; } = 1.0;

    public long WarmupSteps { get; init; }

    /// <summary>Total steps of the cosine schedule (0 = constant learning rate).</summary>
    public long TotalSteps { get; init; }

    /// <summary>MedSAM trains the image encoder and mask decoder with the prompt encoder frozen.</summary>
    public bool FreezePromptEncoder { get; init; } = true;

    public bool FreezeImageEncoder { get; init; }

    /// <summary>
    /// Weight of the IoU-head loss (MSE between the predicted IoU and the IoU of the thresholded mask with the
    /// target, as SAM trains it); 0 leaves the IoU head untrained, as MedSAM does.
    /// </summary>
    public double IouLossWeight { get; init; }
}

/// <summary>
/// One batch: B preprocessed images [B, 3, S, S] (the preset's preprocessing), K boxes per image [B, K, 4] in the
/// S × S input frame, and the matching masks [B·K, 1, S, S] (0/1) at input resolution.
/// </summary>
public sealed record SamBatch(Tensor Images, Tensor Boxes, Tensor Masks);

/// <summary>
/// Box-prompted training of a SAM-architecture model as MedSAM trains it (bowang-lab/MedSAM, train_one_gpu.py):
/// loss = Dice (sigmoid, squared prediction) + binary cross-entropy on the single-mask output, AdamW with weight
/// decay, gradient clipping; here the low-res logits are upsampled bilinearly to the input size before the loss, the
/// way the predictor maps them back. Each image is encoded once per step and shared by its K boxes.
/// </summary>
public sealed class SamFineTuner
{
    private readonly SamModel model;
    private readonly AdamW optimizer;
    private readonly LrSchedule? schedule;
    private readonly List<Tensor> trainable;
    private readonly DiceLoss dice = new() { Sigmoid = true, SquaredPred = true };
    private readonly BCEWithLogitsLoss bce = new();
    private long step;

    public SamFineTuner(SamModel model, SamFineTuneOptions options)
    {
        this.model = model;
        Options = options;
        model.Train();
        if (options.FreezePromptEncoder) model.PromptEncoder.Freeze();
        if (options.FreezeImageEncoder) model.ImageEncoder.Freeze();
        trainable = model.Parameters().Where(p => p.RequiresGrad).ToList();
        if (trainable.Count == 0) throw new ArgumentException("every parameter is frozen: nothing to train");
        optimizer = new AdamW(ParamGroups.WeightDecay(model, options.WeightDecay), lr: options.Lr, weightDecay: options.WeightDecay);
        if (options.TotalSteps > 0) schedule = new CosineWarmupSchedule(options.Lr, options.WarmupSteps, options.TotalSteps);
    }

    public SamFineTuneOptions Options { get; }

    /// <summary>Steps taken so far.</summary>
    public long StepCount => step;

    /// <summary>One optimisation step on a batch; returns the loss before the update.</summary>
    public float Step(SamBatch batch)
    {
        Validate(batch);
        if (schedule is not null)
            foreach (var g in optimizer.ParamGroups) g.Lr = schedule.LrAt(step) * g.LrScale;
        optimizer.ZeroGrad();
        var (logits, iou) = Predict(batch.Images, batch.Boxes);              // [B·K, 1, S, S], [B·K, 1]
        var target = batch.Masks;
        var loss = dice.Forward(logits, target).Add(bce.Forward(logits, target));
        if (Options.IouLossWeight > 0)
            loss = loss.Add(iou.Sub(ActualIou(logits, target)).Square().Mean().Mul((float)Options.IouLossWeight));
        float value = loss.Item();
        loss.Backward();
        if (Options.MaxGradNorm > 0) GradClip.ClipGradNorm(trainable, Options.MaxGradNorm);
        optimizer.Step();
        step++;
        return value;
    }

    /// <summary>Single-mask logits at input resolution [B·K, 1, S, S] for boxes [B, K, 4] on images [B, 3, S, S].</summary>
    public Tensor Forward(Tensor images, Tensor boxes) => Predict(images, boxes).Logits;

    private (Tensor Logits, Tensor Iou) Predict(Tensor images, Tensor boxes)
    {
        int b = images.Size(0), k = boxes.Size(1), s = images.Size(2);
        var embedding = model.ImageEncoder.Forward(images);                   // [B, C, h, w]
        int c = embedding.Size(1), h = embedding.Size(2), w = embedding.Size(3);
        var shared = embedding.Unsqueeze(1).Expand(b, k, c, h, w).Reshape(b * k, c, h, w);  // [B·K, C, h, w]
        var (sparse, dense) = model.PromptEncoder.Forward(null, null, boxes.Reshape(b * k, 4), null);
        var (lowRes, iou) = model.MaskDecoder.Forward(shared, model.PromptEncoder.GetDensePe(), sparse, dense, multimask: false);
        return (Tensor.Interpolate(lowRes, size: new[] { s, s }, mode: "bilinear", alignCorners: false), iou);  // [B·K, 1, S, S]
    }

    /// <summary>IoU of each mask (logits &gt; 0) with its target, [N, 1], as a constant; two empty masks agree fully.</summary>
    private static Tensor ActualIou(Tensor logits, Tensor target)
    {
        int n = logits.Size(0), plane = logits.Numel / n;
        var p = logits.Detach().ToArray();
        var t = target.Detach().ToArray();
        var iou = new float[n];
        for (int i = 0; i < n; i++)
        {
            long inter = 0, union = 0;
            for (int j = i * plane; j < (i + 1) * plane; j++)
            {
                bool a = p[j] > 0, b = t[j] > 0.5f;
                inter += a && b ? 1 : 0;
                union += a || b ? 1 : 0;
            }
            iou[i] = union == 0 ? 1f : (float)inter / union;
        }
        return Tensor.Wrap(iou, n, 1);
    }

    private static void Validate(SamBatch batch)
    {
        var (x, boxes, masks) = (batch.Images, batch.Boxes, batch.Masks);
        if (x.Rank != 4 || x.Size(1) != 3 || x.Size(2) != x.Size(3))
            throw new TensorShapeException("sam_fine_tune", $"images must be [B, 3, S, S], got {ShapeUtil.Format(x.Shape)}");
        if (boxes.Rank != 3 || boxes.Size(0) != x.Size(0) || boxes.Size(2) != 4)
            throw new TensorShapeException("sam_fine_tune", $"boxes must be [B, K, 4] for {x.Size(0)} images, got {ShapeUtil.Format(boxes.Shape)}");
        int[] expected = { x.Size(0) * boxes.Size(1), 1, x.Size(2), x.Size(3) };
        if (!masks.Shape.SequenceEqual(expected))
            throw new TensorShapeException("sam_fine_tune", $"masks must be {ShapeUtil.Format(expected)}, got {ShapeUtil.Format(masks.Shape)}");
    }
}
