using MedFM.Tensors;
using MedFM.Tensors.Random;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.Dropout: zeroes elements with probability p in training and scales the rest by 1/(1 − p).</summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    private readonly Generator? generator;

    public Dropout(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"Dropout: probability has to be between 0 and 1, but got {p}");
        P = p;
        this.generator = generator;
    }

    public double P { get; }

    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training, generator);

    protected override string ExtraRepr() => $"p={PyRepr.Float(P)}, inplace=False";
}
