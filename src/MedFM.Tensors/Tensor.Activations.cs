using MedFM.Tensors.Kernels;

namespace MedFM.Tensors;

/// <summary>Activation functions with their backward rules.</summary>
public sealed partial class Tensor
{
    public Tensor Relu()
    {
        var x = this;
        return Unary<ReluOp>(this, "relu").Record("relu", new[] { this }, g => new[] { g.Mul(x.Detach().Gt(0f)) });
    }

    public Tensor Sigmoid()
    {
        var y = Unary<SigmoidOp>(this, "sigmoid");
        return y.Record("sigmoid", new[] { this }, g => new[] { FusedBackward<Activations.SigmoidBackward>(y, g) });
    }

    public Tensor Tanh()
    {
        var y = Unary<TanhOp>(this, "tanh");
        return y.Record("tanh", new[] { this }, g => new[] { FusedBackward<Activations.TanhBackward>(y, g) });
    }

    /// <summary>GELU; approximate "none" (erf, the default) or "tanh", as torch.nn.functional.gelu.</summary>
    public Tensor Gelu(string approximate = "none")
    {
        var x = this;
        return approximate switch
        {
            "none" => Unary<GeluOp>(this, "gelu").Record("gelu", new[] { this }, g => new[] { FusedBackward(x, g, VecMath512.GeluBackwardSpan) }),  // 16 lanes where the CPU has AVX-512, same bits
            "tanh" => Unary<GeluTanhOp>(this, "gelu").Record("gelu_tanh", new[] { this }, g => new[] { FusedBackward<Activations.GeluTanhBackward>(x, g) }),
            _ => throw new TensorException("gelu", $"approximate must be 'none' or 'tanh', got '{approximate}'"),
        };
    }

    /// <summary>d/dx [x Φ(x)] = Φ(x) + x φ(x), composed (the reference the fused GELU backward is tested against).</summary>
    internal static Tensor GeluGradComposed(Tensor x)
    {
        var cdf = x.Mul(0.70710678118654752f).Erf().Add(1f).Mul(0.5f);
        var pdf = x.Square().Mul(-0.5f).Exp().Mul(0.3989422804014327f);
        return cdf.Add(x.Mul(pdf));
    }

    /// <summary>d/dx of the tanh-form GELU, composed (the reference of the fused backward).</summary>
    internal static Tensor GeluTanhGradComposed(Tensor x)
    {
        const float k = 0.7978845608028654f, c = 0.044715f;
        var x2 = x.Square();
        var t = x.Add(x.Mul(x2).Mul(c)).Mul(k).Tanh();
        var left = t.Add(1f).Mul(0.5f);
        var right = x.Mul(0.5f).Mul(Scalar(1f).Sub(t.Square())).Mul(x2.Mul(3f * c).Add(1f).Mul(k));
        return left.Add(right);
    }

    /// <summary>SiLU (swish): x · sigmoid(x).</summary>
    public Tensor Silu()
    {
        var x = this;
        return Unary<SiluOp>(this, "silu").Record("silu", new[] { this }, g => new[] { FusedBackward<Activations.SiluBackward>(x, g) });
    }

    public Tensor LeakyRelu(float negativeSlope = 0.01f)
    {
        var x = this;
        var pos = Gt(0f);
        var y = Binary<MulOp>(this, pos.Add(Scalar(1f).Sub(pos).Mul(negativeSlope)), "leaky_relu");
        return y.Record("leaky_relu", new[] { this }, g =>
        {
            var p = x.Detach().Gt(0f);
            return new[] { g.Mul(p.Add(Scalar(1f).Sub(p).Mul(negativeSlope))) };
        });
    }
}
