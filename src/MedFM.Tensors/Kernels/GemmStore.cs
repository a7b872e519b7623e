using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Moves tiles between C and a micro-kernel's scratch tile (edge tiles, whose C is smaller than the register tile),
/// and scales C ahead of a product.
/// </summary>
internal static unsafe class GemmStore
{
    /// <summary>
    /// Fills the accRows×accStride scratch tile: the top-left mr×nr from C when accumulating, zeros elsewhere (the
    /// kernel then sums over all of it; the padding is never stored).
    /// </summary>
    public static void LoadTile(float* c, int ldc, int mr, int nr, float* acc, int accRows, int accStride, bool accumulate)
    {
        new Span<float>(acc, accRows * accStride).Clear();
        if (!accumulate) return;
        for (int i = 0; i < mr; i++) new ReadOnlySpan<float>(c + (long)i * ldc, nr).CopyTo(new Span<float>(acc + (long)i * accStride, nr));
    }

    /// <summary>Copies the top-left mr×nr of a tile held row-major with row length accStride into C.</summary>
    public static void StoreTile(float* acc, int accStride, float* c, int ldc, int mr, int nr)
    {
        for (int i = 0; i < mr; i++) new ReadOnlySpan<float>(acc + (long)i * accStride, nr).CopyTo(new Span<float>(c + (long)i * ldc, nr));
    }

    /// <summary>Starts loading a rows×cols tile of C (the first and last float of each row) into L1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Prefetch(float* c, int ldc, int rows, int cols)
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < rows; r++, c += ldc)
        {
            Sse.Prefetch0(c);
            Sse.Prefetch0(c + cols - 1);
        }
    }

    /// <summary>C = beta·C over an m×n block (beta = 0 clears it, NaN included): the whole product when k = 0 or alpha = 0, and the
    /// start of a product's sums when beta is neither 0 nor 1.</summary>
    public static void Scale(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }
}
