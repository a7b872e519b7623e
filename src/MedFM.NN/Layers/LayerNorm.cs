using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>
/// torch.nn.LayerNorm over the trailing normalizedShape dimensions: keys "weight" and "bias" (shape normalizedShape,
/// ones and zeros) when elementwiseAffine; biased variance; eps default 1e-5.
/// </summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true)
        : this(new[] { normalizedShape }, eps, elementwiseAffine, bias)
    {
    }

    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true)
    {
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d < 1))
            throw new ArgumentException($"LayerNorm: normalized shape must be non-empty and positive, got {ShapeUtil.Format(normalizedShape)}");
        NormalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        ElementwiseAffine = elementwiseAffine;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(NormalizedShape));
            if (bias) Bias = RegisterParameter("bias", Tensor.Zeros(NormalizedShape));
        }
    }

    public int[] NormalizedShape { get; }

    public double Eps { get; }

    public bool ElementwiseAffine { get; }

    public Tensor? Weight { get; }

    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => Tensor.LayerNorm(input, NormalizedShape, Weight, Bias, (float)Eps);

    protected override string ExtraRepr() =>
        $"{PyRepr.Tuple(NormalizedShape)}, eps={PyRepr.Float(Eps)}, elementwise_affine={PyRepr.Bool(ElementwiseAffine)}";
}
