using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>
/// SAM's channel LayerNorm for [N, C, H, W]: keys "weight" (ones) and "bias" (zeros) of shape [C], eps 1e-6.
/// Reference: facebookresearch/segment-anything, segment_anything/modeling/common.py (LayerNorm2d).
/// </summary>
public sealed class LayerNorm2d : Module<Tensor, Tensor>
{
    public LayerNorm2d(int numChannels, double eps = 1e-6)
    {
        if (numChannels < 1) throw new ArgumentException($"LayerNorm2d: channels must be positive, got {numChannels}");
        NumChannels = numChannels;
        Eps = eps;
        Weight = RegisterParameter("weight", Tensor.Ones(numChannels));
        Bias = RegisterParameter("bias", Tensor.Zeros(numChannels));
    }

    public int NumChannels { get; }

    public double Eps { get; }

    public Tensor Weight { get; }

    public Tensor Bias { get; }

    public override Tensor Forward(Tensor input) => Tensor.LayerNorm2d(input, Weight, Bias, (float)Eps);
}
