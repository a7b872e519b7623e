using MedFM.Tensors;
using MedFM.Tensors.Autograd;
using MedFM.Tensors.Random;

namespace MedFM.NN;

/// <summary>
/// In-place parameter initialisers as torch.nn.init (and timm's trunc_normal_), drawing from a seeded Generator
/// (the default generator when none is given). They write without recording on the tape and return the tensor.
/// Fan computation as torch's _calculate_fan_in_and_fan_out: fan_in = size(1)·receptive, fan_out = size(0)·receptive.
/// </summary>
public static class Init
{
    public static Tensor Uniform_(Tensor t, double low = 0, double high = 1, Generator? gen = null) =>
        Write(t, Tensor.Rand(gen, t.ShapeArray(), (float)low, (float)high));

    public static Tensor Normal_(Tensor t, double mean = 0, double std = 1, Generator? gen = null) =>
        Write(t, Tensor.Randn(gen, t.ShapeArray(), (float)mean, (float)std));

    /// <summary>timm's trunc_normal_: N(mean, std²) restricted to the absolute interval [a, b].</summary>
    public static Tensor TruncNormal_(Tensor t, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? gen = null)
    {
        if (!(a < b)) throw new ArgumentException($"trunc_normal_: a ({a}) must be below b ({b})");
        return Write(t, Tensor.TruncNormal(gen, t.ShapeArray(), (float)mean, (float)std, (float)a, (float)b));
    }

    public static Tensor Constant_(Tensor t, double value) => Write(t, Tensor.Full((float)value, t.ShapeArray()));

    public static Tensor Zeros_(Tensor t) => Constant_(t, 0);

    public static Tensor Ones_(Tensor t) => Constant_(t, 1);

    /// <summary>U(±gain·√(6 / (fan_in + fan_out))).</summary>
    public static Tensor XavierUniform_(Tensor t, double gain = 1, Generator? gen = null)
    {
        var (fanIn, fanOut) = Fans(t);
        double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform_(t, -bound, bound, gen);
    }

    /// <summary>N(0, gain²·2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal_(Tensor t, double gain = 1, Generator? gen = null)
    {
        var (fanIn, fanOut) = Fans(t);
        return Normal_(t, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), gen);
    }

    /// <summary>U(±√3·gain/√fan) with gain = calculate_gain(nonlinearity, a) and fan by mode ("fan_in" or "fan_out").</summary>
    public static Tensor KaimingUniform_(Tensor t, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? gen = null)
    {
        double std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(t, mode));
        double bound = Math.Sqrt(3.0) * std;
        return Uniform_(t, -bound, bound, gen);
    }

    /// <summary>N(0, (gain/√fan)²).</summary>
    public static Tensor KaimingNormal_(Tensor t, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? gen = null) =>
        Normal_(t, 0, CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(t, mode)), gen);

    /// <summary>torch.nn.init.calculate_gain.</summary>
    public static double CalculateGain(string nonlinearity, double param = 0.01) => nonlinearity switch
    {
        "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d" or "conv_transpose3d" or "sigmoid" => 1.0,
        "tanh" => 5.0 / 3,
        "relu" => Math.Sqrt(2.0),
        "leaky_relu" => Math.Sqrt(2.0 / (1 + param * param)),
        "selu" => 3.0 / 4,
        _ => throw new ArgumentException($"unsupported nonlinearity '{nonlinearity}'"),
    };

    /// <summary>(fan_in, fan_out) of a weight with at least two dimensions.</summary>
    public static (long FanIn, long FanOut) Fans(Tensor t)
    {
        if (t.Rank < 2)
            throw new TensorShapeException("init", $"fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape {ShapeUtil.Format(t.Shape)})");
        long receptive = 1;
        for (int i = 2; i < t.Rank; i++) receptive *= t.Size(i);
        return (t.Size(1) * receptive, t.Size(0) * receptive);
    }

    private static long Fan(Tensor t, string mode)
    {
        var (fanIn, fanOut) = Fans(t);
        return mode switch
        {
            "fan_in" => fanIn,
            "fan_out" => fanOut,
            _ => throw new ArgumentException($"mode {mode} not supported, please use one of fan_in, fan_out"),
        };
    }

    private static Tensor Write(Tensor target, Tensor values)
    {
        using var _ = GradMode.Disable();
        target.CopyFrom(values);
        return target;
    }
}
