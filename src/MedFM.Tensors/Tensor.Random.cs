using MedFM.Tensors.Parallel;
using MedFM.Tensors.Random;

namespace MedFM.Tensors;

/// <summary>Random tensors from a counter-based generator: identical values for any thread count.</summary>
public sealed partial class Tensor
{
    /// <summary>Uniform in [low, high).</summary>
    public static Tensor Rand(Generator? gen, int[] shape, float low = 0f, float high = 1f)
    {
        var g = gen ?? Generator.Default;
        bool skip = Storage.SkipInitDepth > 0;
        var t = new Tensor(Checked(shape, "rand"), DType.Float32, zero: skip);
        if (t.Storage.IsMeta) return t;
        ulong start = g.Advance(t.Numel);
        if (skip) return t;
        var data = t.FloatData;
        ulong seed = g.Seed;
        float scale = high - low;
        ThreadTeam.Default.For(t.Numel, (lo, hi) =>
        {
            for (int i = lo; i < hi; i++) data[i] = low + scale * Philox.ToUnit(Philox.Block(seed, start + (ulong)i).Item1);
        }, 1 << 14);
        return t;
    }

    public static Tensor Rand(params int[] shape) => Rand(null, shape);

    /// <summary>Normal with the given mean and standard deviation (Box–Muller on each element's own counter).</summary>
    public static Tensor Randn(Generator? gen, int[] shape, float mean = 0f, float std = 1f)
    {
        var g = gen ?? Generator.Default;
        bool skip = Storage.SkipInitDepth > 0;
        var t = new Tensor(Checked(shape, "randn"), DType.Float32, zero: skip);
        if (t.Storage.IsMeta) return t;
        ulong start = g.Advance(t.Numel);
        if (skip) return t;
        var data = t.FloatData;
        ulong seed = g.Seed;
        ThreadTeam.Default.For(t.Numel, (lo, hi) =>
        {
            for (int i = lo; i < hi; i++)
            {
                var (a, b, _, _) = Philox.Block(seed, start + (ulong)i);
                double r = Math.Sqrt(-2.0 * Math.Log(Philox.ToUnitOpenZero(a)));
                data[i] = (float)(mean + std * r * Math.Cos(2.0 * Math.PI * Philox.ToUnit(b)));
            }
        }, 1 << 14);
        return t;
    }

    public static Tensor Randn(params int[] shape) => Randn(null, shape);

    /// <summary>Bool tensor, true with probability p.</summary>
    public static Tensor Bernoulli(Generator? gen, float p, params int[] shape)
    {
        if (p < 0 || p > 1 || float.IsNaN(p)) throw new TensorException("bernoulli", $"probability must be in [0, 1], got {p}");
        var u = Rand(gen, shape);
        return u.Lt(p);
    }

    /// <summary>Normal values truncated to [a, b] by redrawing (timm's trunc_normal_ gives the same distribution).</summary>
    public static Tensor TruncNormal(Generator? gen, int[] shape, float mean = 0f, float std = 1f, float a = -2f, float b = 2f)
    {
        var t = Randn(gen, shape, mean, std);
        if (t.Storage.IsMeta) return t;
        var d = t.Span;
        var g = gen ?? Generator.Default;
        for (int i = 0; i < d.Length; i++)
        {
            int guard = 0;
            while ((d[i] < a || d[i] > b) && guard++ < 1000)
            {
                var (x, y, _, _) = Philox.Block(g.Seed, g.Advance(1));
                double r = Math.Sqrt(-2.0 * Math.Log(Philox.ToUnitOpenZero(x)));
                d[i] = (float)(mean + std * r * Math.Cos(2.0 * Math.PI * Philox.ToUnit(y)));
            }
            d[i] = Math.Clamp(d[i], a, b);
        }
        return t;
    }
}
