using System.Runtime.Intrinsics;

namespace MedFM.Training.Optim;

/// <summary>
/// Fused optimizer updates over spans (one pass per parameter chunk, 8 floats per AVX step, scalar tail).
/// The arithmetic follows torch's single-tensor CPU kernels operation by operation, in float32: add with alpha is a
/// fused multiply-add (a + α·b), addcmul is a + (v·b)·c, addcdiv is a + (v·b)/c; scalar factors are computed in
/// double, as Python does, and rounded to float once.
/// </summary>
internal static class UpdateKernels
{
    /// <summary>torch.optim.SGD for one chunk. buf is empty when momentum is 0; first marks the buffer's creation.</summary>
    public static void Sgd(Span<float> p, ReadOnlySpan<float> g, Span<float> buf, bool first, float lr, float wd,
        float momentum, float dampening, bool nesterov, bool maximize)
    {
        int n = p.Length;
        float oneMinusDamp = 1f - dampening;
        float sign = maximize ? -1f : 1f;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vwd = Vector256.Create(wd);
            var vm = Vector256.Create(momentum);
            var vdamp = Vector256.Create(oneMinusDamp);
            var vlr = Vector256.Create(-lr);
            var vsign = Vector256.Create(sign);
            for (; i <= n - 8; i += 8)
            {
                var vp = Vector256.Create(p.Slice(i, 8));
                var d = Vector256.Create(g.Slice(i, 8)) * vsign;
                if (wd != 0) d = Vector256.FusedMultiplyAdd(vp, vwd, d);
                if (momentum != 0)
                {
                    var b = first ? d : Vector256.FusedMultiplyAdd(d, vdamp, Vector256.Create((ReadOnlySpan<float>)buf.Slice(i, 8)) * vm);
                    b.CopyTo(buf.Slice(i, 8));
                    d = nesterov ? Vector256.FusedMultiplyAdd(b, vm, d) : b;
                }
                Vector256.FusedMultiplyAdd(d, vlr, vp).CopyTo(p.Slice(i, 8));
            }
        }
        for (; i < n; i++)
        {
            float d = g[i] * sign;
            if (wd != 0) d = MathF.FusedMultiplyAdd(p[i], wd, d);
            if (momentum != 0)
            {
                float b = first ? d : MathF.FusedMultiplyAdd(d, oneMinusDamp, buf[i] * momentum);
                buf[i] = b;
                d = nesterov ? MathF.FusedMultiplyAdd(b, momentum, d) : b;
            }
            p[i] = MathF.FusedMultiplyAdd(d, -lr, p[i]);
        }
    }

    /// <summary>Scalars of one Adam/AdamW step, computed in double as torch's Python code does.</summary>
    public readonly record struct AdamScalars(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float Eps,
        float NegStepSize, float BiasCorrection2Sqrt, float DecayFactor, float L2, bool Amsgrad, bool Maximize)
    {
        public static AdamScalars Create(ParamGroup g, long step, bool decoupled)
        {
            double bc1 = 1 - Math.Pow(g.Beta1, step), bc2 = 1 - Math.Pow(g.Beta2, step);
            return new AdamScalars((float)g.Beta1, (float)(1 - g.Beta1), (float)g.Beta2, (float)(1 - g.Beta2), (float)g.Eps,
                (float)(-(g.Lr / bc1)), (float)Math.Sqrt(bc2),
                decoupled ? (float)(1 - g.Lr * g.WeightDecay) : 1f, decoupled ? 0f : (float)g.WeightDecay, g.Amsgrad, g.Maximize);
        }
    }

    /// <summary>One Adam (L2 via L2 ≠ 0) or AdamW (DecayFactor ≠ 1) step for a chunk; vmax is empty unless amsgrad.</summary>
    public static void Adam(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, Span<float> vmax, in AdamScalars s, bool decoupled)
    {
        int n = p.Length;
        float sign = s.Maximize ? -1f : 1f;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vb1 = Vector256.Create(s.Beta1);
            var v1b1 = Vector256.Create(s.OneMinusBeta1);
            var vb2 = Vector256.Create(s.Beta2);
            var v1b2 = Vector256.Create(s.OneMinusBeta2);
            var veps = Vector256.Create(s.Eps);
            var vss = Vector256.Create(s.NegStepSize);
            var vbc2 = Vector256.Create(s.BiasCorrection2Sqrt);
            var vdecay = Vector256.Create(s.DecayFactor);
            var vl2 = Vector256.Create(s.L2);
            var vsign = Vector256.Create(sign);
            for (; i <= n - 8; i += 8)
            {
                var vp = Vector256.Create((ReadOnlySpan<float>)p.Slice(i, 8));
                var grad = Vector256.Create(g.Slice(i, 8)) * vsign;
                if (decoupled) vp *= vdecay;
                else if (s.L2 != 0) grad = Vector256.FusedMultiplyAdd(vp, vl2, grad);
                var vm = Vector256.FusedMultiplyAdd(grad, v1b1, Vector256.Create((ReadOnlySpan<float>)m.Slice(i, 8)) * vb1);
                var vv = Vector256.Create((ReadOnlySpan<float>)v.Slice(i, 8)) * vb2 + v1b2 * grad * grad;
                vm.CopyTo(m.Slice(i, 8));
                vv.CopyTo(v.Slice(i, 8));
                if (s.Amsgrad)
                {
                    vv = Vector256.Max(Vector256.Create((ReadOnlySpan<float>)vmax.Slice(i, 8)), vv);
                    vv.CopyTo(vmax.Slice(i, 8));
                }
                var denom = Vector256.Sqrt(vv) / vbc2 + veps;
                (vp + vss * vm / denom).CopyTo(p.Slice(i, 8));
            }
        }
        for (; i < n; i++)
        {
            float pi = p[i];
            float grad = g[i] * sign;
            if (decoupled) pi *= s.DecayFactor;
            else if (s.L2 != 0) grad = MathF.FusedMultiplyAdd(pi, s.L2, grad);
            float mi = MathF.FusedMultiplyAdd(grad, s.OneMinusBeta1, m[i] * s.Beta1);
            float vi = v[i] * s.Beta2 + s.OneMinusBeta2 * grad * grad;
            m[i] = mi;
            v[i] = vi;
            if (s.Amsgrad)
            {
                vi = MathF.Max(vmax[i], vi);
                vmax[i] = vi;
            }
            float denom = MathF.Sqrt(vi) / s.BiasCorrection2Sqrt + s.Eps;
            p[i] = pi + s.NegStepSize * mi / denom;
        }
    }
}
