using MedFM.Tensors.Parallel;

namespace MedFM.Tensors.Kernels;

/// <summary>
/// Runs a binary op over two strided operands broadcast to one shape, writing a dense row-major output.
/// Dimensions are coalesced across all three operands; the innermost dimension runs as a span op
/// (vector-vector, vector-scalar or scalar-vector) and rows are split over the thread team when large.
/// </summary>
public static class Broadcast
{
    private const int ParallelThreshold = 1 << 15;

    /// <param name="aStrides">a's strides expanded to the output rank (0 on broadcast dimensions).</param>
    public static void Binary<TOp>(float[] a, int aOffset, int[] aStrides, float[] b, int bOffset, int[] bStrides,
        float[] dst, int dstOffset, int[] shape) where TOp : IBinaryOp
    {
        int rank = shape.Length;
        var s = new int[Math.Max(rank, 1)];
        var sa = new int[s.Length];
        var sb = new int[s.Length];
        var dStrides = ShapeUtil.ContiguousStrides(shape);
        int r = Coalesce3(shape, aStrides, bStrides, dStrides, s, sa, sb);
        int total = ShapeUtil.Numel(shape);
        if (total == 0) return;
        if (r == 0)
        {
            dst[dstOffset] = TOp.Apply(a[aOffset], b[bOffset]);
            return;
        }
        int inner = s[r - 1];
        int rows = total / inner;
        // Split long rows into chunks so a single huge row still uses every thread.
        int chunks = rows >= ThreadTeam.Default.Threads || total < ParallelThreshold ? 1 : ThreadTeam.Default.Threads;
        int chunkLen = (inner + chunks - 1) / chunks;
        int items = rows * chunks;
        var job = new Job(a, aOffset, sa, b, bOffset, sb, dst, dstOffset, s, r, inner, chunks, chunkLen);
        if (total < ParallelThreshold) job.Run<TOp>(0, items);
        else ThreadTeam.Default.For(items, (lo, hi) => job.Run<TOp>(lo, hi));
    }

    private sealed class Job(float[] a, int aOff, int[] sa, float[] b, int bOff, int[] sb, float[] d, int dOff,
        int[] shape, int rank, int inner, int chunks, int chunkLen)
    {
        public void Run<TOp>(int lo, int hi) where TOp : IBinaryOp
        {
            int innerA = sa[rank - 1], innerB = sb[rank - 1];
            for (int item = lo; item < hi; item++)
            {
                int row = item / chunks, c = item % chunks;
                int start = c * chunkLen, len = Math.Min(inner, start + chunkLen) - start;
                if (len <= 0) continue;
                RowOffsets(row, out int pa, out int pb);
                pa += start * innerA;
                pb += start * innerB;
                var dspan = d.AsSpan(dOff + row * inner + start, len);
                if (innerA == 1 && innerB == 1) TOp.Vec(a.AsSpan(pa, len), b.AsSpan(pb, len), dspan);
                else if (innerA == 1 && innerB == 0) TOp.VecScalar(a.AsSpan(pa, len), b[pb], dspan);
                else if (innerA == 0 && innerB == 1) TOp.ScalarVec(a[pa], b.AsSpan(pb, len), dspan);
                else
                {
                    for (int i = 0; i < len; i++, pa += innerA, pb += innerB) dspan[i] = TOp.Apply(a[pa], b[pb]);
                }
            }
        }

        private void RowOffsets(int row, out int pa, out int pb)
        {
            pa = aOff;
            pb = bOff;
            for (int dim = rank - 2; dim >= 0; dim--)
            {
                int ix = row % shape[dim];
                row /= shape[dim];
                pa += ix * sa[dim];
                pb += ix * sb[dim];
            }
        }
    }

    /// <summary>Coalesces dimensions that are mergeable in all three operands and drops size-1 dimensions.</summary>
    private static int Coalesce3(int[] shape, int[] a, int[] b, int[] d, int[] s, int[] sa, int[] sb)
    {
        int r = 0;
        var sd = new int[s.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1) continue;
            if (r > 0 && sa[r - 1] == a[i] * shape[i] && sb[r - 1] == b[i] * shape[i] && sd[r - 1] == d[i] * shape[i])
            {
                s[r - 1] *= shape[i];
                sa[r - 1] = a[i];
                sb[r - 1] = b[i];
                sd[r - 1] = d[i];
            }
            else
            {
                s[r] = shape[i];
                sa[r] = a[i];
                sb[r] = b[i];
                sd[r] = d[i];
                r++;
            }
        }
        return r;
    }
}
