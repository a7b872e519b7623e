using MedFM.Tensors;

namespace MedFM.NN;

/// <summary>
/// torch.nn.functional pieces the layers of this library need beyond the engine's ops (batch norm, embedding,
/// dropout, drop path), taking plain tensors so models and gradient checks can call them without a module.
/// Convolutions, pooling, layer norms and softmax are the engine's (Tensor.Conv2d, Tensor.LayerNorm, ...).
/// </summary>
public static partial class Functional
{
    /// <summary>An int or per-dimension values expanded to n entries (torch's _pair/_triple).</summary>
    internal static int[] Pair(int[]? v, int fallback, int n)
    {
        if (v is null) return Enumerable.Repeat(fallback, n).ToArray();
        if (v.Length == 1) return Enumerable.Repeat(v[0], n).ToArray();
        if (v.Length != n) throw new ArgumentException($"expected 1 or {n} values, got ({string.Join(", ", v)})");
        return (int[])v.Clone();
    }

    internal static Int2 ToInt2(int[] v) => new(v[0], v[1]);

    internal static Int3 ToInt3(int[] v) => new(v[0], v[1], v[2]);
}
