namespace MedFM.Tensors.Autograd;

/// <summary>
/// Reverse-mode differentiation over the recorded tape: orders the graph below a root topologically, then walks it
/// from the root, turning each node's output gradient into input gradients. Leaves that require grad accumulate
/// into <see cref="Tensor.Grad"/>; intermediate gradients are dropped unless RetainGrad() was called.
/// </summary>
internal static class BackwardEngine
{
    public static void Run(Tensor root, Tensor seed)
    {
        var order = TopologicalOrder(root);
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [root] = seed };
        using var _ = GradMode.Disable();
        var release = EarlyRelease.For(order, root);
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            if (!grads.Remove(t, out var g))
            {
                release?.Drop(t);
                continue;
            }
            if (t.IsLeaf || t.RetainsGrad) Accumulate(t, g);
            if (t.GradFn is { } node)
            {
                var inputGrads = node.Backward(g);
                if (inputGrads.Length != node.Inputs.Length)
                    throw new AutogradException(node.Op, $"backward returned {inputGrads.Length} gradients for {node.Inputs.Length} inputs");
                for (int j = 0; j < node.Inputs.Length; j++)
                {
                    var input = node.Inputs[j];
                    var gi = inputGrads[j];
                    if (gi is null || !input.RequiresGrad) continue;
                    if (!ShapeUtil.SameShape(gi.Shape, input.Shape))
                        throw new AutogradException(node.Op, $"gradient of shape {ShapeUtil.Format(gi.Shape)} for input {j} of shape {ShapeUtil.Format(input.Shape)}");
                    if (grads.TryGetValue(input, out var prev))
                    {
                        var sum = prev.Add(gi);
                        release?.Hold(sum);
                        release?.Drop(prev);
                        grads[input] = sum;
                    }
                    else
                    {
                        release?.Hold(gi);
                        grads[input] = gi;
                    }
                }
            }
            // This tensor's gradient is consumed, and every reader of the tensor has run (it comes after them all).
            release?.Drop(g);
            release?.Drop(t);
        }
    }

    private static void Accumulate(Tensor t, Tensor g)
    {
        // A gradient tensor may be shared by several inputs (add passes g through): give each its own copy. An
        // existing dense gradient is added to in place, as PyTorch does (after ZeroGrad(setToNone: false) a
        // training step then allocates no new gradient buffers).
        if (t.Grad is { } grad && grad.IsContiguous && grad.DType == g.DType && ShapeUtil.SameShape(grad.Shape, g.Shape)
            && !ReferenceEquals(grad.Storage, g.Storage))
        {
            var dst = grad.Span;
            System.Numerics.Tensors.TensorPrimitives.Add(dst, g.Contiguous().Span, dst);
            return;
        }
        t.Grad = t.Grad is null ? g.Clone() : t.Grad.Add(g);
    }

    /// <summary>Nodes in an order where every tensor comes after all tensors it was computed from.</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor, int)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn?.Inputs ?? Array.Empty<Tensor>();
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.RequiresGrad && visited.Add(child)) stack.Push((child, 0));
            }
            else
            {
                order.Add(t);
            }
        }
        return order;
    }
}
