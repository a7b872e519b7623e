namespace MedFM.Tensors.Kernels;

/// <summary>
/// The additive score bias of a fused attention, read tile by tile so the full [Lq, Lk] matrix is never built:
/// either a dense strided tensor broadcast to [BH, Lq, Lk] (per-head base offsets, a row stride and a column stride,
/// 0 where broadcast), or SAM's decomposed relative position bias, bias[bh, i, kh·kw + kw'] = relH[bh, i, kh] +
/// relW[bh, i, kw'] (segment_anything/modeling/image_encoder.py, add_decomposed_rel_pos), from relH [BH, Lq, kh]
/// and relW [BH, Lq, kw] dense. The backward writes the gradient of the same parts: the dense tile into a full
/// [BH, Lq, Lk] buffer, or the row and column sums into dRelH and dRelW.
/// </summary>
internal sealed unsafe class AttentionBias
{
    private readonly float[] a;
    private readonly float[]? b;
    private readonly int[]? headOffset;
    private readonly int aOffset, bOffset, rowStride, colStride, lq, kh, kw;

    private AttentionBias(float[] a, float[]? b, int[]? headOffset, int aOffset, int bOffset, int rowStride, int colStride, int lq, int kh, int kw)
    {
        this.a = a;
        this.b = b;
        this.headOffset = headOffset;
        this.aOffset = aOffset;
        this.bOffset = bOffset;
        this.rowStride = rowStride;
        this.colStride = colStride;
        this.lq = lq;
        this.kh = kh;
        this.kw = kw;
    }

    public bool IsRelPos => b is not null;

    /// <summary>Dense bias: element (bh, i, j) at data[headOffset[bh] + i·rowStride + j·colStride], i &lt; lq.</summary>
    public static AttentionBias Dense(float[] data, int[] headOffset, int rowStride, int colStride, int lq) =>
        new(data, null, headOffset, 0, 0, rowStride, colStride, lq, 0, 0);

    /// <summary>Decomposed relative position bias from dense relH [BH, Lq, kh] and relW [BH, Lq, kw].</summary>
    public static AttentionBias RelPos(float[] relH, int relHOffset, float[] relW, int relWOffset, int lq, int kh, int kw) =>
        new(relH, relW, null, relHOffset, relWOffset, 0, 0, lq, kh, kw);

    /// <summary>Adds the bias of rows [i0, i0 + rows) and columns [j0, j0 + nk) to the score tile s (row stride lds).</summary>
    public void AddTile(int bh, int i0, int rows, int j0, int nk, float* s, int lds)
    {
        if (b is not null)
        {
            AddRelPos(bh, i0, rows, j0, nk, s, lds);
            return;
        }
        fixed (float* pa = a)
        {
            for (int r = 0; r < rows; r++)
            {
                float* src = pa + headOffset![bh] + (long)(i0 + r) * rowStride + (long)j0 * colStride;
                var dst = new Span<float>(s + (long)r * lds, nk);
                if (colStride == 1) System.Numerics.Tensors.TensorPrimitives.Add(dst, new ReadOnlySpan<float>(src, nk), dst);
                else if (colStride == 0) System.Numerics.Tensors.TensorPrimitives.Add(dst, *src, dst);
                else for (int j = 0; j < nk; j++) dst[j] += src[(long)j * colStride];
            }
        }
    }

    private void AddRelPos(int bh, int i0, int rows, int j0, int nk, float* s, int lds)
    {
        fixed (float* ph = a, pw = b)
        {
            for (int r = 0; r < rows; r++)
            {
                long row = (long)bh * lq + i0 + r;
                float* h = ph + aOffset + row * kh;
                float* w = pw + bOffset + row * kw;
                float* dst = s + (long)r * lds;
                // Walk the tile's columns segment by segment of constant kh index.
                for (int j = j0; j < j0 + nk;)
                {
                    int hi = j / kw, wi = j % kw, len = Math.Min(kw - wi, j0 + nk - j);
                    AddSegment(dst + (j - j0), w + wi, h[hi], len);
                    j += len;
                }
            }
        }
    }

    /// <summary>d[i] = (d[i] + w[i]) + h for i &lt; len, in one pass (short segments: SAM's key rows are 14 or 64 long).</summary>
    private static void AddSegment(float* d, float* w, float h, int len)
    {
        int i = 0;
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            var vh = System.Runtime.Intrinsics.Vector512.Create(h);
            for (; i + 16 <= len; i += 16)
                System.Runtime.Intrinsics.Vector512.Store(System.Runtime.Intrinsics.Vector512.Load(d + i) + System.Runtime.Intrinsics.Vector512.Load(w + i) + vh, d + i);
        }
        var vh8 = System.Runtime.Intrinsics.Vector256.Create(h);
        for (; i + 8 <= len; i += 8)
            System.Runtime.Intrinsics.Vector256.Store(System.Runtime.Intrinsics.Vector256.Load(d + i) + System.Runtime.Intrinsics.Vector256.Load(w + i) + vh8, d + i);
        for (; i < len; i++) d[i] = d[i] + w[i] + h;
    }

    /// <summary>
    /// Writes the score gradient tile ds (rows × nk, row stride lds) into the bias gradient: for a dense bias into
    /// grad [BH, Lq, Lk] (each element written once), for the relative position bias summed into gradH [BH, Lq, kh] and
    /// gradW [BH, Lq, kw]. Rows belong to one work item, so nothing is shared between threads.
    /// </summary>
    public void WriteGrad(int bh, int i0, int rows, int j0, int nk, float* ds, int lds, int lkTotal, float[] grad, float[]? gradW)
    {
        fixed (float* pg = grad)
        {
            if (b is null)
            {
                for (int r = 0; r < rows; r++)
                    new ReadOnlySpan<float>(ds + (long)r * lds, nk).CopyTo(new Span<float>(pg + ((long)bh * lq + i0 + r) * lkTotal + j0, nk));
                return;
            }
            fixed (float* pw = gradW)
            {
                for (int r = 0; r < rows; r++)
                {
                    long row = (long)bh * lq + i0 + r;
                    float* gh = pg + row * kh;
                    float* gw = pw + row * kw;
                    float* src = ds + (long)r * lds;
                    for (int j = j0; j < j0 + nk;)
                    {
                        int hi = j / kw, wi = j % kw, len = Math.Min(kw - wi, j0 + nk - j);
                        var seg = new ReadOnlySpan<float>(src + (j - j0), len);
                        gh[hi] += System.Numerics.Tensors.TensorPrimitives.Sum(seg);
                        var gws = new Span<float>(gw + wi, len);
                        System.Numerics.Tensors.TensorPrimitives.Add(gws, seg, gws);
                        j += len;
                    }
                }
            }
        }
    }
}
