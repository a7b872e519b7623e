using System.Globalization;
using MedFM.Tensors;
using MedFM.Tensors.Random;

namespace MedFM.NN.Layers;

/// <summary>
/// Stochastic depth per sample (timm's DropPath): in training each sample's residual branch is dropped with
/// probability DropProb and kept ones are scaled by 1/keep_prob. Reference: huggingface/pytorch-image-models,
/// timm/layers/drop.py.
/// </summary>
public sealed class DropPath : Module<Tensor, Tensor>
{
    private readonly Generator? generator;

    public DropPath(double dropProb = 0.0, bool scaleByKeep = true, Generator? generator = null)
    {
        if (!(dropProb >= 0 && dropProb <= 1)) throw new ArgumentException($"DropPath: probability has to be between 0 and 1, but got {dropProb}");
        DropProb = dropProb;
        ScaleByKeep = scaleByKeep;
        this.generator = generator;
    }

    public double DropProb { get; }

    public bool ScaleByKeep { get; }

    public override Tensor Forward(Tensor input) => Functional.DropPath(input, DropProb, Training, ScaleByKeep, generator);

    protected override string ExtraRepr() => "drop_prob=" + Math.Round(DropProb, 3).ToString("0.000", CultureInfo.InvariantCulture);
}
