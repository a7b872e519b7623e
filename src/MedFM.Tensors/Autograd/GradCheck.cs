using MedFM.Tensors.Random;

namespace MedFM.Tensors.Autograd;

/// <summary>The outcome of a gradient check: the worst disagreement found and where.</summary>
public sealed record GradCheckResult(bool Passed, double MaxAbsError, double MaxRelError, string Worst, int Checked);

/// <summary>
/// Compares autograd gradients with central finite differences. The function's output is projected on a fixed
/// random vector (in double) so one scalar is differentiated; the forward passes for the differences run without
/// recording. Elements checked per input are capped (sampled with a seed) to keep large inputs cheap.
/// </summary>
public static class GradCheck
{
    public static GradCheckResult Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-3,
        double atol = 1e-3, double rtol = 1e-2, int maxElementsPerInput = 64, ulong seed = 1234)
    {
        var leaves = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            leaves[i] = inputs[i].Detach().Clone();
            if (inputs[i].DType == DType.Float32) leaves[i].RequiresGrad = inputs[i].RequiresGrad || true;
        }
        var y = f(leaves);
        var w = Tensor.Randn(new Generator(seed), y.ShapeArray());
        y.Mul(w).Sum().Backward();
        var wv = w.ToArray();
        double maxAbs = 0, maxRel = 0;
        string worst = "none";
        bool ok = true;
        int count = 0;
        var pick = new Generator(seed + 1);
        for (int i = 0; i < leaves.Length; i++)
        {
            if (leaves[i].DType != DType.Float32) continue;
            var analytic = leaves[i].Grad?.ToArray() ?? new float[leaves[i].Numel];
            foreach (int e in Sample(leaves[i].Numel, maxElementsPerInput, pick))
            {
                double numeric = Numeric(f, leaves, i, e, eps, wv);
                double err = Math.Abs(numeric - analytic[e]);
                double rel = err / Math.Max(Math.Abs(numeric), 1e-12);
                count++;
                if (err > maxAbs) { maxAbs = err; worst = $"input {i} element {e}: autograd {analytic[e]:G6}, finite difference {numeric:G6}"; }
                maxRel = Math.Max(maxRel, Math.Min(rel, err));
                if (err > atol + rtol * Math.Abs(numeric)) ok = false;
            }
        }
        return new GradCheckResult(ok, maxAbs, maxRel, worst, count);
    }

    private static double Numeric(Func<Tensor[], Tensor> f, Tensor[] leaves, int input, int element, double eps, float[] w)
    {
        using var _ = GradMode.Disable();
        var data = leaves[input].Span;
        float orig = data[element];
        data[element] = (float)(orig + eps);
        double plus = Project(f(leaves), w);
        data[element] = (float)(orig - eps);
        double minus = Project(f(leaves), w);
        data[element] = orig;
        double h = (double)(float)(orig + eps) - (double)(float)(orig - eps);
        return (plus - minus) / h;
    }

    private static double Project(Tensor y, float[] w)
    {
        var v = y.ToArray();
        double s = 0;
        for (int i = 0; i < v.Length; i++) s += (double)v[i] * w[i];
        return s;
    }

    private static IEnumerable<int> Sample(int n, int max, Generator gen)
    {
        if (n <= max)
        {
            for (int i = 0; i < n; i++) yield return i;
            yield break;
        }
        var p = gen.Permutation(n);
        for (int i = 0; i < max; i++) yield return p[i];
    }
}
