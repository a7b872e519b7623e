namespace MedFM.Training.Optim;

/// <summary>An optimizer state dict that does not fit the optimizer (missing or unexpected keys, wrong shapes or counts).</summary>
public sealed class OptimizerStateException : Exception
{
    public OptimizerStateException(string message) : base("optimizer state: " + message) { }
}
