using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.Flatten: merges dimensions [startDim, endDim] (default: all but the batch).</summary>
public sealed class Flatten : Module<Tensor, Tensor>
{
    public Flatten(int startDim = 1, int endDim = -1)
    {
        StartDim = startDim;
        EndDim = endDim;
    }

    public int StartDim { get; }

    public int EndDim { get; }

    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);

    protected override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}
