using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// One fused attention problem: BH independent heads of q [Lq, E], k [Lk, E], v [Lk, Ev], each dense and row-major
/// at head · L · E from its offset; scores = scale·q·kᵀ + bias, optionally causal (bottom-right aligned: query i sees
/// keys j ≤ i + Lk − Lq, as <c>Tensor.AttentionComposed</c>). Also the packing helpers the kernels share and the
/// tile sizes (queries × keys per tile).
/// </summary>
internal sealed class AttentionArgs
{
    /// <summary>Query rows per tile (a multiple of the micro-kernel's 6 rows).</summary>
    public const int BlockQ = 48;

    /// <summary>Key columns per tile (a multiple of 16).</summary>
    public const int BlockK = 128;

    public required int Heads { get; init; }
    public required int Lq { get; init; }
    public required int Lk { get; init; }
    public required int E { get; init; }
    public required int Ev { get; init; }
    public required float Scale { get; init; }
    public bool Causal { get; init; }
    public required float[] Q { get; init; }
    public int QOffset { get; init; }
    public required float[] K { get; init; }
    public int KOffset { get; init; }
    public required float[] V { get; init; }
    public int VOffset { get; init; }
    public AttentionBias? Bias { get; init; }

    /// <summary>Layouts of q, k, v and the output; null: dense [heads, L, width] (the backward needs dense operands).</summary>
    public AttentionLayout? QLayout { get; init; }
    public AttentionLayout? KLayout { get; init; }
    public AttentionLayout? VLayout { get; init; }
    public AttentionLayout? OutLayout { get; init; }

    public AttentionLayout QRows => QLayout ?? AttentionLayout.Dense(Lq, E);
    public AttentionLayout KRows => KLayout ?? AttentionLayout.Dense(Lk, E);
    public AttentionLayout VRows => VLayout ?? AttentionLayout.Dense(Lk, Ev);
    public AttentionLayout OutRows => OutLayout ?? AttentionLayout.Dense(Lq, Ev);

    public int QueryTiles => (Lq + BlockQ - 1) / BlockQ;

    /// <summary>Lk rounded up to 8 (columns of packed transposes).</summary>
    public int LkPadded => Round8(Lk);

    public static int Round8(int n) => (n + 7) & ~7;

    /// <summary>Causal shift: query i sees keys j ≤ i + Diagonal.</summary>
    public int Diagonal => Lk - Lq;

    /// <summary>End (exclusive) of the keys any row of the query tile [i0, i0 + rows) may see.</summary>
    public int KeyEnd(int i0, int rows) => Causal ? Math.Clamp(i0 + rows - 1 + Diagonal + 1, 0, Lk) : Lk;

    /// <summary>Number of visible columns of tile row i (absolute) in the key tile starting at j0 with nk columns.</summary>
    public int VisibleColumns(int i, int j0, int nk) => Causal ? Math.Clamp(i + Diagonal + 1 - j0, 0, nk) : nk;

    /// <summary>
    /// src [heads, rows, cols] (at srcOffset, laid out as <paramref name="layout"/>) → dst [heads, cols, ldDst]
    /// transposed, zero beyond rows. The array is rented from the shared array pool (it may be longer than needed):
    /// return it when done.
    /// </summary>
    public static float[] PackTransposed(float[] src, int srcOffset, AttentionLayout layout, int heads, int rows, int cols, int ldDst)
    {
        var dst = System.Buffers.ArrayPool<float>.Shared.Rent(Math.Max(1, heads * cols * ldDst));
        ThreadTeam.Default.For(heads, (lo, hi) =>
        {
            for (int h = lo; h < hi; h++)
            {
                long s0 = srcOffset + layout.Offset(h, 0);
                int d0 = h * cols * ldDst, ld = layout.RowStride;
                for (int c = 0; c < cols; c++) dst.AsSpan(d0 + c * ldDst + rows, ldDst - rows).Clear();
                for (int r0 = 0; r0 < rows; r0 += 32)
                {
                    int r1 = Math.Min(rows, r0 + 32);
                    for (int c = 0; c < cols; c++)
                    {
                        int d = d0 + c * ldDst;
                        for (int r = r0; r < r1; r++) dst[d + r] = src[s0 + (long)r * ld + c];
                    }
                }
            }
        }, Math.Max(1, 4096 / Math.Max(1, rows * cols)));
        return dst;
    }

    /// <summary>src [heads, n, cols] (at srcOffset, laid out as <paramref name="layout"/>) → dst [heads·n, ldDst] with zeroed padding columns, rented from the shared array pool.</summary>
    public static float[] PackRows(float[] src, int srcOffset, AttentionLayout layout, int heads, int n, int cols, int ldDst)
    {
        var dst = System.Buffers.ArrayPool<float>.Shared.Rent(Math.Max(1, heads * n * ldDst));
        for (int h = 0; h < heads; h++)
        for (int r = 0; r < n; r++)
        {
            int d = (h * n + r) * ldDst;
            src.AsSpan((int)(srcOffset + layout.Offset(h, r)), cols).CopyTo(dst.AsSpan(d, cols));
            dst.AsSpan(d + cols, ldDst - cols).Clear();
        }
        return dst;
    }

    /// <summary>A zeroed array of at least <paramref name="length"/> floats from the shared array pool.</summary>
    public static float[] RentZeroed(long length)
    {
        var a = System.Buffers.ArrayPool<float>.Shared.Rent((int)Math.Max(1, length));
        a.AsSpan(0, (int)Math.Max(1, length)).Clear();
        return a;
    }

    /// <summary>Returns arrays from <see cref="PackTransposed"/>, <see cref="PackRows"/> or <see cref="RentZeroed"/>.</summary>
    public static void Return(params float[][] arrays)
    {
        foreach (var a in arrays) System.Buffers.ArrayPool<float>.Shared.Return(a);
    }
}
