namespace MedFM.Tensors.IO;

/// <summary>
/// An array read from a .npy file, in C (row-major) order whatever the file's order. Floating-point and bool
/// arrays come as <see cref="Floats"/> (bools as 0/1, the engine's mask convention); integer arrays as
/// <see cref="Longs"/>. Turning it into a tensor: <c>Tensor.Wrap(a.Floats, a.Shape)</c> or <c>Tensor.FromLongs(a.Longs, a.Shape)</c>.
/// </summary>
public sealed class NpyArray
{
    internal NpyArray(NpyHeader header, float[]? floats, long[]? longs)
    {
        Header = header;
        Floats = floats;
        Longs = longs;
    }

    /// <summary>The file's header: dtype descr, version, original order.</summary>
    public NpyHeader Header { get; }

    public int[] Shape => Header.Shape;

    /// <summary>The values of a floating-point or bool array; null for integer arrays.</summary>
    public float[]? Floats { get; }

    /// <summary>The values of an integer array; null for floating-point and bool arrays.</summary>
    public long[]? Longs { get; }

    public bool IsFloat => Floats is not null;

    public long ElementCount => Floats?.LongLength ?? Longs!.LongLength;

    /// <summary>The values as float32 (integers convert exactly up to 2^24, larger ones round to nearest).</summary>
    public float[] ToFloat32()
    {
        if (Floats is not null) return Floats;
        var f = new float[Longs!.Length];
        for (int i = 0; i < f.Length; i++) f[i] = Longs[i];
        return f;
    }

    /// <summary>The values of an integer array. Floating-point arrays are refused (their values are not indices).</summary>
    public long[] ToInt64() => Longs ?? (Header.ElementType == RawElementType.Bool
        ? Array.ConvertAll(Floats!, v => (long)v)
        : throw new InvalidOperationException($"the array has dtype '{Header.Descr}'; ToInt64 reads integer and bool arrays only"));
}
