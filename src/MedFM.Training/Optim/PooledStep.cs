using MedFM.Tensors;
using MedFM.Tensors.Memory;

namespace MedFM.Training.Optim;

/// <summary>
/// Forward and backward of one training step with their temporaries taken from a <see cref="BufferPool"/>: after
/// the first step the same sizes come back in the same order, so a step allocates almost nothing and the GC has
/// no large garbage to chase (a ViT-Ti fine-tune step otherwise leaves hundreds of MB per step behind it). The
/// parameters' gradients are kept; every other tensor made by <paramref name="loss"/> is returned to the pool
/// when the step ends and must not be used afterwards. Call the optimizer's Step after this returns.
/// </summary>
public static class PooledStep
{
    /// <summary>Runs loss(), back-propagates it and returns its value; gradients accumulate into the parameters as usual.</summary>
    public static double Backward(BufferPool pool, Func<Tensor> loss, IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(loss);
        var ps = parameters.ToList();
        using var scope = TensorScope.BeginRecording(pool);
        var value = loss();
        if (value.Numel != 1) throw new ArgumentException($"the loss must be a single value, got shape [{string.Join(", ", value.Shape.ToArray())}]");
        value.Backward();
        foreach (var p in ps)
            if (p.Grad is not null) scope.Keep(p.Grad);
        return value.Item();
    }
}
