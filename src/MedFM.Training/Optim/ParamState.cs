namespace MedFM.Training.Optim;

/// <summary>An optimizer's per-parameter state: a step count and named buffers (exp_avg, momentum_buffer, ...).</summary>
public sealed class ParamState
{
    private readonly Dictionary<string, float[]> buffers = new();

    /// <summary>Updates applied to this parameter so far.</summary>
    public long Step { get; set; }

    /// <summary>The named buffer, created zero-filled on first use.</summary>
    public float[] Buffer(string name, int length)
    {
        if (!buffers.TryGetValue(name, out var b))
        {
            buffers[name] = b = new float[length];
        }
        else if (b.Length != length)
        {
            throw new OptimizerStateException($"buffer '{name}' holds {b.Length} values, the parameter has {length}");
        }
        return b;
    }

    public bool Has(string name) => buffers.ContainsKey(name);

    public IEnumerable<KeyValuePair<string, float[]>> Buffers => buffers;
}
