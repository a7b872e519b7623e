using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace MedFM.Tensors.Kernels;

/// <summary>The elementwise function a GEMM epilogue applies after the bias.</summary>
internal enum GemmActivation
{
    None,
    Gelu,
    GeluTanh,
}

/// <summary>
/// What the blocked GEMM does to each finished tile of C while it is still in cache, after the last KC block:
/// c = act(c + bias[column]). Saves the separate passes over C that a bias broadcast and an activation would take.
/// </summary>
internal readonly unsafe struct GemmEpilogue(float* bias, GemmActivation activation)
{
    public float* Bias { get; } = bias;

    public GemmActivation Activation { get; } = activation;

    public bool IsActive => Bias != null || Activation != GemmActivation.None;

    /// <summary>Applies the epilogue to rows × cols of C at c (row stride ldc) whose first column is column col0 of C.</summary>
    public void Apply(float* c, int ldc, int rows, int cols, int col0)
    {
        if (cols == 32 && Activation != GemmActivation.GeluTanh && VecMath512.IsSupported)
        {
            Apply32(c, ldc, rows, col0);
            return;
        }
        for (int i = 0; i < rows; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, cols);
            if (Bias != null) TensorPrimitives.Add(row, new ReadOnlySpan<float>(Bias + col0, cols), row);
            switch (Activation)
            {
                case GemmActivation.Gelu: VecMath512.GeluSpan(row, row); break;
                case GemmActivation.GeluTanh: VecMap.Run<Activations.GeluTanh>(row, row); break;
            }
        }
    }

    /// <summary>
    /// The epilogue of a 32-column tile (the AVX-512 kernel's NR) in registers, the bias loaded once: per-row span
    /// calls (with their overlap checks) cost more than the arithmetic on so short rows. The same IEEE operations
    /// (c + bias, then GELU's 16-lane form), so the same bits.
    /// </summary>
    private void Apply32(float* c, int ldc, int rows, int col0)
    {
        bool bias = Bias != null, gelu = Activation == GemmActivation.Gelu;
        var b0 = bias ? Vector512.Load(Bias + col0) : default;
        var b1 = bias ? Vector512.Load(Bias + col0 + 16) : default;
        for (int i = 0; i < rows; i++, c += ldc)
        {
            var x0 = Vector512.Load(c);
            var x1 = Vector512.Load(c + 16);
            if (bias)
            {
                x0 += b0;
                x1 += b1;
            }
            if (gelu)
            {
                x0 = VecMath512.Gelu(x0);
                x1 = VecMath512.Gelu(x1);
            }
            Vector512.Store(x0, c);
            Vector512.Store(x1, c + 16);
        }
    }
}
