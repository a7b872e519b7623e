using MedFM.Tensors.Kernels;

namespace MedFM.Tensors;

/// <summary>Elementwise arithmetic with NumPy broadcasting, comparisons and unary maths, each with its backward rule.</summary>
public sealed partial class Tensor
{
    // ---- drivers ----------------------------------------------------------------------------------------------

    internal static Tensor Binary<TOp>(Tensor a, Tensor b, string op, DType resultType = DType.Float32) where TOp : IBinaryOp
    {
        a.RequireFloatStorage(op);
        b.RequireFloatStorage(op);
        var shape = ShapeUtil.Broadcast(a.shape, b.shape, op);
        var r = new Tensor(shape, resultType);
        Broadcast.Binary<TOp>(a.FloatData, a.Offset, a.BroadcastStrides(shape), b.FloatData, b.Offset, b.BroadcastStrides(shape),
            r.FloatData, r.Offset, shape);
        return r;
    }

    internal static Tensor Unary<TOp>(Tensor x, string op) where TOp : IUnaryOp
    {
        x.RequireFloatStorage(op);
        var c = x.Contiguous();
        var r = new Tensor(x.ShapeArray());
        Elementwise.Unary<TOp>(c.FloatData, c.Offset, r.FloatData, r.Offset, r.Numel);
        return r;
    }

    /// <summary>This tensor's strides for a broadcast to outShape: 0 where a dimension is new or of size 1.</summary>
    internal int[] BroadcastStrides(int[] outShape)
    {
        var s = new int[outShape.Length];
        int lead = outShape.Length - Rank;
        for (int i = 0; i < Rank; i++) s[lead + i] = shape[i] == 1 ? 0 : strides[i];
        return s;
    }

    // ---- binary arithmetic --------------------------------------------------------------------------------------

    public Tensor Add(Tensor other)
    {
        var a = this;
        return Binary<AddOp>(a, other, "add").Record("add", new[] { a, other }, g => new[] { g.SumTo(a.shape), g.SumTo(other.shape) });
    }

    public Tensor Sub(Tensor other)
    {
        var a = this;
        return Binary<SubOp>(a, other, "sub").Record("sub", new[] { a, other }, g => new[] { g.SumTo(a.shape), g.Neg().SumTo(other.shape) });
    }

    public Tensor Mul(Tensor other)
    {
        var a = this;
        return Binary<MulOp>(a, other, "mul").Record("mul", new[] { a, other }, g => new[]
        {
            a.RequiresGrad ? g.Mul(other.Detach()).SumTo(a.shape) : null,
            other.RequiresGrad ? g.Mul(a.Detach()).SumTo(other.shape) : null,
        });
    }

    public Tensor Div(Tensor other)
    {
        var a = this;
        return Binary<DivOp>(a, other, "div").Record("div", new[] { a, other }, g => new[]
        {
            a.RequiresGrad ? g.Div(other.Detach()).SumTo(a.shape) : null,
            other.RequiresGrad ? g.Mul(a.Detach()).Div(other.Detach().Square()).Neg().SumTo(other.shape) : null,
        });
    }

    /// <summary>a^b elementwise (both tensors).</summary>
    public Tensor Pow(Tensor exponent)
    {
        var a = this;
        var y = Binary<PowOp>(a, exponent, "pow");
        return y.Record("pow", new[] { a, exponent }, g => new[]
        {
            a.RequiresGrad ? g.Mul(exponent.Detach()).Mul(a.Detach().Pow(exponent.Detach().Sub(1f))).SumTo(a.shape) : null,
            exponent.RequiresGrad ? g.Mul(y.Detach()).Mul(a.Detach().Log()).SumTo(exponent.shape) : null,
        });
    }

    public Tensor Pow(float exponent)
    {
        var a = this;
        var y = Binary<PowOp>(a, Scalar(exponent), "pow");
        return y.Record("pow", new[] { a }, g => new[] { g.Mul(a.Detach().Pow(exponent - 1f)).Mul(exponent) });
    }

    /// <summary>Elementwise maximum (NaN propagates); on ties the gradient is split in half, as PyTorch does.</summary>
    public Tensor Maximum(Tensor other) => MinMax<MaxOp>(other, "maximum", isMax: true);

    public Tensor Minimum(Tensor other) => MinMax<MinOp>(other, "minimum", isMax: false);

    private Tensor MinMax<TOp>(Tensor other, string op, bool isMax) where TOp : IBinaryOp
    {
        var a = this;
        return Binary<TOp>(a, other, op).Record(op, new[] { a, other }, g =>
        {
            var ad = a.Detach();
            var od = other.Detach();
            var wins = isMax ? ad.Gt(od) : ad.Lt(od);
            var ties = ad.Eq(od).Mul(0.5f);
            var wa = wins.Add(ties);
            var wb = Scalar(1f).Sub(wa);
            return new[] { g.Mul(wa).SumTo(a.shape), g.Mul(wb).SumTo(other.shape) };
        });
    }

    public Tensor Add(float s) => Add(Scalar(s));

    public Tensor Sub(float s) => Sub(Scalar(s));

    public Tensor Mul(float s) => Mul(Scalar(s));

    public Tensor Div(float s) => Div(Scalar(s));

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);

    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);

    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);

    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);

    public static Tensor operator +(Tensor a, float s) => a.Add(s);

    public static Tensor operator +(float s, Tensor a) => a.Add(s);

    public static Tensor operator -(Tensor a, float s) => a.Sub(s);

    public static Tensor operator -(float s, Tensor a) => Scalar(s).Sub(a);

    public static Tensor operator *(Tensor a, float s) => a.Mul(s);

    public static Tensor operator *(float s, Tensor a) => a.Mul(s);

    public static Tensor operator /(Tensor a, float s) => a.Div(s);

    public static Tensor operator /(float s, Tensor a) => Scalar(s).Div(a);

    public static Tensor operator -(Tensor a) => a.Neg();

    // ---- comparisons (bool results, not differentiable) -----------------------------------------------------

    public Tensor Eq(Tensor o) => Binary<CompareOp<EqCmp>>(this, o, "eq", DType.Bool);

    public Tensor Ne(Tensor o) => Binary<CompareOp<NeCmp>>(this, o, "ne", DType.Bool);

    public Tensor Lt(Tensor o) => Binary<CompareOp<LtCmp>>(this, o, "lt", DType.Bool);

    public Tensor Le(Tensor o) => Binary<CompareOp<LeCmp>>(this, o, "le", DType.Bool);

    public Tensor Gt(Tensor o) => Binary<CompareOp<GtCmp>>(this, o, "gt", DType.Bool);

    public Tensor Ge(Tensor o) => Binary<CompareOp<GeCmp>>(this, o, "ge", DType.Bool);

    public Tensor Eq(float s) => Eq(Scalar(s));

    public Tensor Ne(float s) => Ne(Scalar(s));

    public Tensor Lt(float s) => Lt(Scalar(s));

    public Tensor Le(float s) => Le(Scalar(s));

    public Tensor Gt(float s) => Gt(Scalar(s));

    public Tensor Ge(float s) => Ge(Scalar(s));

    /// <summary>Converts between float32 and bool (nonzero → 1). Int64 converts to float32 values.</summary>
    public Tensor To(DType type)
    {
        if (type == DType) return this;
        if (type == DType.Int64)
        {
            var l = ToLongArray();
            return FromLongs(l, ShapeArray());
        }
        var r = new Tensor(ShapeArray(), type);
        var src = ToArray();
        var d = r.FloatData;
        for (int i = 0; i < src.Length; i++) d[i] = type == DType.Bool ? (src[i] != 0 ? 1f : 0f) : src[i];
        return r;
    }

    // ---- unary maths --------------------------------------------------------------------------------------------

    public Tensor Neg() => Unary<NegOp>(this, "neg").Record("neg", new[] { this }, g => new[] { g.Neg() });

    public Tensor Exp()
    {
        var y = Unary<ExpOp>(this, "exp");
        return y.Record("exp", new[] { this }, g => new[] { g.Mul(y.Detach()) });
    }

    public Tensor Log()
    {
        var x = this;
        return Unary<LogOp>(this, "log").Record("log", new[] { this }, g => new[] { g.Div(x.Detach()) });
    }

    public Tensor Sqrt()
    {
        var y = Unary<SqrtOp>(this, "sqrt");
        return y.Record("sqrt", new[] { this }, g => new[] { g.Div(y.Detach().Mul(2f)) });
    }

    public Tensor Rsqrt() => Sqrt().Reciprocal();

    public Tensor Abs()
    {
        var x = this;
        return Unary<AbsOp>(this, "abs").Record("abs", new[] { this }, g => new[] { g.Mul(x.Detach().Sign()) });
    }

    /// <summary>-1, 0 or +1 (not differentiable).</summary>
    public Tensor Sign() => Binary<SubOp>(Gt(0f), Lt(0f), "sign");

    public Tensor Sin()
    {
        var x = this;
        return Unary<SinOp>(this, "sin").Record("sin", new[] { this }, g => new[] { g.Mul(x.Detach().Cos()) });
    }

    public Tensor Cos()
    {
        var x = this;
        return Unary<CosOp>(this, "cos").Record("cos", new[] { this }, g => new[] { g.Mul(x.Detach().Sin()).Neg() });
    }

    public Tensor Square()
    {
        var x = this;
        return Unary<SquareOp>(this, "square").Record("square", new[] { this }, g => new[] { g.Mul(x.Detach()).Mul(2f) });
    }

    public Tensor Reciprocal()
    {
        var y = Unary<ReciprocalOp>(this, "reciprocal");
        return y.Record("reciprocal", new[] { this }, g => new[] { g.Mul(y.Detach().Square()).Neg() });
    }

    public Tensor Erf()
    {
        var x = this;
        return Unary<ErfOp>(this, "erf").Record("erf", new[] { this }, g =>
            new[] { g.Mul(x.Detach().Square().Neg().Exp().Mul(1.1283791670955126f)) });
    }

    /// <summary>Limits values to [min, max]; the gradient passes where min ≤ x ≤ max.</summary>
    public Tensor Clamp(float min = float.NegativeInfinity, float max = float.PositiveInfinity)
    {
        var x = this;
        var y = Binary<MinOp>(Binary<MaxOp>(this, Scalar(min), "clamp"), Scalar(max), "clamp");
        return y.Record("clamp", new[] { this }, g =>
        {
            var xd = x.Detach();
            return new[] { g.Mul(xd.Ge(min)).Mul(xd.Le(max)) };
        });
    }
}
