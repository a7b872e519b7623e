using System.Numerics.Tensors;

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
}
