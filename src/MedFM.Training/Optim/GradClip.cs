using MedFM.Tensors;

namespace MedFM.Training.Optim;

/// <summary>
/// Gradient clipping as torch.nn.utils (torch 1.13 clip_grad.py): the total norm is the norm of the per-parameter
/// norms; every gradient is multiplied by min(1, max_norm / (total + 1e-6)) in float32. Parameters without a
/// gradient are ignored.
/// </summary>
public static class GradClip
{
    /// <summary>clip_grad_norm_: returns the total norm before clipping (normType 2, 1, any p > 0, or +∞).</summary>
    public static float ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(normType > 0)) throw new ArgumentException($"norm type must be positive or infinity, got {normType}");
        var grads = parameters.Where(p => p.Grad is not null).Select(p => p.Grad!).ToList();
        if (grads.Count == 0) return 0f;
        var norms = new float[grads.Count];
        for (int i = 0; i < grads.Count; i++) norms[i] = Norm(grads[i].Contiguous().Span, normType);
        float total = Norm(norms, normType);
        if (errorIfNonfinite && !float.IsFinite(total))
            throw new ArithmeticException($"the total norm of order {normType} for gradients is non-finite ({total}), so it cannot be clipped");
        float coef = (float)maxNorm / (total + 1e-6f);
        if (coef < 1f)
            foreach (var g in grads) Scale(g, coef);
        return total;
    }

    /// <summary>clip_grad_value_: clamps every gradient element to [−clipValue, clipValue].</summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        float c = (float)clipValue;
        foreach (var p in parameters)
        {
            if (p.Grad is null) continue;
            var g = Writable(p);
            var s = g.Span;
            for (int i = 0; i < s.Length; i++) s[i] = Math.Clamp(s[i], -c, c);
        }
    }

    /// <summary>The p-norm of a span, accumulated in double and rounded to float.</summary>
    private static float Norm(ReadOnlySpan<float> v, double p)
    {
        if (double.IsPositiveInfinity(p))
        {
            float m = 0;
            foreach (var x in v) m = MathF.Max(m, MathF.Abs(x));
            return m;
        }
        double acc = 0;
        if (p == 2)
        {
            foreach (var x in v) acc += (double)x * x;
            return (float)Math.Sqrt(acc);
        }
        if (p == 1)
        {
            foreach (var x in v) acc += Math.Abs(x);
            return (float)acc;
        }
        foreach (var x in v) acc += Math.Pow(Math.Abs(x), p);
        return (float)Math.Pow(acc, 1 / p);
    }

    private static void Scale(Tensor g, float coef)
    {
        if (!g.IsContiguous) throw new TensorException("clip_grad_norm", "gradients must be contiguous to be scaled in place");
        System.Numerics.Tensors.TensorPrimitives.Multiply(g.Span, coef, g.Span);
    }

    private static Tensor Writable(Tensor p)
    {
        if (!p.Grad!.IsContiguous) p.Grad = p.Grad.Contiguous();
        return p.Grad;
    }
}
