namespace MedFM.Tensors.Kernels;

/// <summary>
/// Copies between a strided view of a flat array and a dense row-major buffer. Adjacent dimensions that are
/// contiguous with each other are merged first, so the inner loop is as long as possible and runs as a block copy
/// when its stride is 1.
/// </summary>
public static class Strided
{
    /// <summary>dst[i] = src[offset + Σ index_d * strides_d] in row-major order of shape.</summary>
    public static void Gather<T>(T[] src, int offset, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, Span<T> dst) where T : unmanaged
    {
        Span<int> s = stackalloc int[Math.Max(1, shape.Length)];
        Span<int> st = stackalloc int[Math.Max(1, shape.Length)];
        int rank = Coalesce(shape, strides, s, st);
        if (rank == 0) { if (dst.Length > 0) dst[0] = src[offset]; return; }
        int inner = s[rank - 1], innerStride = st[rank - 1];
        int outer = dst.Length / Math.Max(inner, 1);
        if (inner == 0) return;
        if (rank >= 2 && innerStride != 1 && st[rank - 2] == 1 && s[rank - 2] >= 8 && inner >= 8)
        {
            GatherTransposed(src, offset, s[..rank], st[..rank], dst);
            return;
        }
        Span<int> idx = stackalloc int[rank];
        idx.Clear();
        int srcPos = offset;
        for (int o = 0; o < outer; o++)
        {
            var d = dst.Slice(o * inner, inner);
            if (innerStride == 1) src.AsSpan(srcPos, inner).CopyTo(d);
            else if (innerStride == 0) d.Fill(src[srcPos]);
            else for (int i = 0, p = srcPos; i < inner; i++, p += innerStride) d[i] = src[p];
            srcPos = Advance(idx, s, st, rank - 1, srcPos);
        }
    }

    /// <summary>
    /// A batch of transposes: the last two (coalesced) dimensions [R, C] have strides [1, sC], so each dense row of
    /// dst reads a column of src. Copied in 16×16 blocks (reads along src's contiguous R, writes to 16 rows of dst
    /// that stay in cache) instead of one cache line per element.
    /// </summary>
    private static void GatherTransposed<T>(T[] src, int offset, ReadOnlySpan<int> s, ReadOnlySpan<int> st, Span<T> dst) where T : unmanaged
    {
        const int B = 16;
        int rank = s.Length, rows = s[rank - 2], cols = s[rank - 1], colStride = st[rank - 1];
        int plane = rows * cols, planes = dst.Length / plane;
        Span<int> idx = stackalloc int[Math.Max(1, rank - 2)];
        idx.Clear();
        int basePos = offset;
        for (int b = 0; b < planes; b++)
        {
            var d = dst.Slice(b * plane, plane);
            for (int r0 = 0; r0 < rows; r0 += B)
            {
                int r1 = Math.Min(rows, r0 + B);
                for (int c0 = 0; c0 < cols; c0 += B)
                {
                    int c1 = Math.Min(cols, c0 + B);
                    for (int c = c0; c < c1; c++)
                    {
                        int sp = basePos + c * colStride;
                        for (int r = r0; r < r1; r++) d[r * cols + c] = src[sp + r];
                    }
                }
            }
            if (rank > 2) basePos = Advance(idx, s, st, rank - 2, basePos);
        }
    }

    /// <summary>dst[offset + Σ index_d * strides_d] = src[i] in row-major order of shape (the inverse of Gather).</summary>
    public static void Scatter<T>(ReadOnlySpan<T> src, T[] dst, int offset, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides) where T : unmanaged
    {
        Span<int> s = stackalloc int[Math.Max(1, shape.Length)];
        Span<int> st = stackalloc int[Math.Max(1, shape.Length)];
        int rank = Coalesce(shape, strides, s, st);
        if (rank == 0) { if (src.Length > 0) dst[offset] = src[0]; return; }
        int inner = s[rank - 1], innerStride = st[rank - 1];
        if (inner == 0) return;
        int outer = src.Length / inner;
        Span<int> idx = stackalloc int[rank];
        idx.Clear();
        int dstPos = offset;
        for (int o = 0; o < outer; o++)
        {
            var sv = src.Slice(o * inner, inner);
            if (innerStride == 1) sv.CopyTo(dst.AsSpan(dstPos, inner));
            else for (int i = 0, p = dstPos; i < inner; i++, p += innerStride) dst[p] = sv[i];
            dstPos = Advance(idx, s, st, rank - 1, dstPos);
        }
    }

    /// <summary>
    /// Merges adjacent dimensions that are contiguous with each other and drops size-1 dimensions.
    /// Returns the new rank (0 for a single element).
    /// </summary>
    public static int Coalesce(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, Span<int> outShape, Span<int> outStrides)
    {
        int r = 0;
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 1) continue;
            if (r > 0 && outStrides[r - 1] == strides[d] * shape[d])
            {
                outShape[r - 1] *= shape[d];
                outStrides[r - 1] = strides[d];
            }
            else
            {
                outShape[r] = shape[d];
                outStrides[r] = strides[d];
                r++;
            }
        }
        return r;
    }

    /// <summary>Steps a row-major index over dims [0, upto) and returns the new storage position.</summary>
    internal static int Advance(Span<int> idx, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, int upto, int pos)
    {
        for (int d = upto - 1; d >= 0; d--)
        {
            idx[d]++;
            pos += strides[d];
            if (idx[d] < shape[d]) return pos;
            pos -= strides[d] * shape[d];
            idx[d] = 0;
        }
        return pos;
    }
}
