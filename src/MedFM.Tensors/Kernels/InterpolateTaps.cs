namespace MedFM.Tensors.Kernels;

/// <summary>
/// The resampling of one axis as a sparse matrix: output o = Σ_{t &lt; Count[o]} Weight[o, t] · input[Index[o, t]]
/// (row-major [OutSize, MaxTaps] tables). Every interpolation mode is one of these per axis, applied separably;
/// the gradient applies the <see cref="Transpose"/>d table in the reverse axis order.
/// </summary>
public sealed class InterpolateTaps
{
    public InterpolateTaps(int inSize, int outSize, int maxTaps)
    {
        InSize = inSize;
        OutSize = outSize;
        MaxTaps = maxTaps;
        count = new int[outSize];
        index = new int[outSize * maxTaps];
        weight = new float[outSize * maxTaps];
    }

    public int InSize { get; }

    public int OutSize { get; }

    public int MaxTaps { get; }

    private readonly int[] count, index;
    private readonly float[] weight;

    /// <summary>Taps used by each output (read-only: kernels trust every index to lie in [0, InSize)).</summary>
    public ReadOnlySpan<int> Count => count;

    /// <summary>Input index of tap t of output o at [o · MaxTaps + t].</summary>
    public ReadOnlySpan<int> Index => index;

    /// <summary>Weight of tap t of output o at [o · MaxTaps + t].</summary>
    public ReadOnlySpan<float> Weight => weight;

    internal int[] CountArray => count;

    internal int[] IndexArray => index;

    internal float[] WeightArray => weight;

    /// <summary>Each output copies the input at the same position (the pass can be skipped).</summary>
    public bool IsIdentity
    {
        get
        {
            if (InSize != OutSize) return false;
            for (int o = 0; o < OutSize; o++)
            {
                int b = o * MaxTaps;
                if (Count[o] != 1 || Index[b] != o || Weight[b] != 1f) return false;
            }
            return true;
        }
    }

    /// <summary>Each output reads exactly one input with weight 1 (nearest modes): a pure gather.</summary>
    public bool IsGather
    {
        get
        {
            for (int o = 0; o < OutSize; o++)
                if (Count[o] != 1 || Weight[o * MaxTaps] != 1f) return false;
            return true;
        }
    }

    /// <summary>Appends a tap (used while building tables).</summary>
    internal void Add(int o, int source, float w)
    {
        if ((uint)source >= (uint)InSize)
            throw new ArgumentOutOfRangeException(nameof(source), source, $"tap index outside the input of {InSize}");
        int t = count[o]++;
        index[o * MaxTaps + t] = source;
        weight[o * MaxTaps + t] = w;
    }

    /// <summary>The adjoint table (InSize and OutSize swapped): input i gathers every (o, w) that read it, in order of o.</summary>
    public InterpolateTaps Transpose()
    {
        var counts = new int[InSize];
        for (int o = 0; o < OutSize; o++)
            for (int t = 0; t < Count[o]; t++) counts[Index[o * MaxTaps + t]]++;
        int max = 0;
        foreach (int c in counts) max = Math.Max(max, c);
        var r = new InterpolateTaps(OutSize, InSize, Math.Max(1, max));
        for (int o = 0; o < OutSize; o++)
            for (int t = 0; t < Count[o]; t++)
            {
                int b = o * MaxTaps + t;
                r.Add(Index[b], o, Weight[b]);
            }
        return r;
    }
}
