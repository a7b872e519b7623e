using MedFM.Tensors.Autograd;

namespace MedFM.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Computes gradients of this tensor with respect to every leaf that requires grad, accumulating into their
    /// <see cref="Grad"/>. A non-scalar tensor needs the gradient of the final objective with respect to it.
    /// </summary>
    public void Backward(Tensor? gradient = null)
    {
        if (!RequiresGrad)
            throw new AutogradException("backward", "tensor does not require grad and has no grad_fn");
        if (gradient is null)
        {
            if (Numel != 1)
                throw new AutogradException("backward", $"grad can be implicitly created only for scalar outputs, this one has shape {ShapeUtil.Format(shape)}");
            gradient = OnesLike(this);
        }
        else if (!ShapeUtil.SameShape(gradient.shape, shape))
        {
            throw new AutogradException("backward", $"gradient of shape {ShapeUtil.Format(gradient.shape)} given for a tensor of shape {ShapeUtil.Format(shape)}");
        }
        BackwardEngine.Run(this, gradient);
    }

    /// <summary>Clears the accumulated gradient.</summary>
    public void ZeroGrad() => Grad = null;
}
