using MedFM.Tensors;
using MedFM.Tensors.Random;

namespace MedFM.NN;

public static partial class Functional
{
    /// <summary>
    /// Inverted dropout (torch.nn.functional.dropout): in training each element is zeroed with probability p and the
    /// survivors are scaled by 1/(1 − p); outside training (or p = 0) the input is returned unchanged.
    /// </summary>
    public static Tensor Dropout(Tensor x, double p, bool training, Generator? generator = null) =>
        x.Dropout((float)p, generator, training);

    /// <summary>
    /// Stochastic depth per sample (timm's drop_path): in training each sample of the batch (dimension 0) is dropped
    /// with probability p; kept samples are scaled by 1/keep_prob when scaleByKeep.
    /// Reference: huggingface/pytorch-image-models, timm/layers/drop.py.
    /// </summary>
    public static Tensor DropPath(Tensor x, double p, bool training, bool scaleByKeep = true, Generator? generator = null)
    {
        CheckProbability(p, "drop_path");
        if (p == 0 || !training) return x;
        if (x.Rank == 0) throw new TensorShapeException("drop_path", "expects a batched tensor, got a 0-D tensor");
        double keep = 1 - p;
        var shape = new int[x.Rank];
        Array.Fill(shape, 1);
        shape[0] = x.Size(0);
        var mask = Tensor.Bernoulli(generator, (float)keep, shape).To(DType.Float32);
        if (keep > 0 && scaleByKeep) mask = mask.Div((float)keep);
        return x.Mul(mask);
    }

    private static void CheckProbability(double p, string op)
    {
        if (!(p >= 0 && p <= 1)) throw new TensorException(op, $"probability has to be between 0 and 1, but got {p}");
    }
}
