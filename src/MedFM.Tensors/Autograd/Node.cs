namespace MedFM.Tensors.Autograd;

/// <summary>
/// One recorded operation of the tape: the op's name, its tensor inputs and the rule that turns the gradient of
/// the output into gradients of the inputs (null where an input needs none). Rules run with recording disabled.
/// </summary>
public sealed class Node
{
    public Node(string op, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        Op = op;
        Inputs = inputs;
        Backward = backward;
    }

    public string Op { get; }

    public Tensor[] Inputs { get; }

    public Func<Tensor, Tensor?[]> Backward { get; }

    public override string ToString() => Op + "Backward";
}
