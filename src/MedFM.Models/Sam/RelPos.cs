using MedFM.Tensors;

namespace MedFM.Models.Sam;

/// <summary>Relative position tables of SAM's encoder (image_encoder.py, get_rel_pos and add_decomposed_rel_pos).</summary>
public static class RelPos
{
    /// <summary>
    /// Embeddings for every (query, key) offset along one axis: [qSize, kSize, C]. The table is linearly resampled
    /// (F.interpolate mode="linear", align_corners=False) when its length is not 2·max(q, k) − 1.
    /// </summary>
    public static Tensor Get(int qSize, int kSize, Tensor relPos)
    {
        int maxDist = 2 * Math.Max(qSize, kSize) - 1;
        var table = relPos.Size(0) == maxDist ? relPos : ResizeLinear(relPos, maxDist);
        double qScale = Math.Max((double)kSize / qSize, 1.0), kScale = Math.Max((double)qSize / kSize, 1.0);
        var idx = new long[qSize * kSize];
        for (int i = 0; i < qSize; i++)
        for (int j = 0; j < kSize; j++)
            idx[i * kSize + j] = (long)(i * qScale - j * kScale + (kSize - 1) * kScale);
        return table.IndexSelect(0, Tensor.FromLongs(idx)).Reshape(qSize, kSize, -1);  // [q, k, C]
    }

    /// <summary>
    /// The two factors of the decomposed bias for queries rq [B, qh, qw, C]: relH [B, qh·qw, kh] and relW [B, qh·qw, kw]
    /// with relH[b, (y,x), ky] = Σc rq[b,y,x,c]·Rh[y,ky,c] and relW[b, (y,x), kx] = Σc rq[b,y,x,c]·Rw[x,kx,c].
    /// </summary>
    public static (Tensor RelH, Tensor RelW) Decomposed(Tensor rq, Tensor relPosH, Tensor relPosW, int qh, int qw, int kh, int kw)
    {
        int b = rq.Size(0);
        var rh = Get(qh, kh, relPosH);                                                    // [qh, kh, C]
        var rw = Get(qw, kw, relPosW);                                                    // [qw, kw, C]
        int c = rq.Size(3);
        // One product per query row y (per column x) over all B·qw (B·qh) queries at once: a few large GEMMs instead
        // of B·qh tiny ones (SAM's windows give B = 25·heads and 14×14×64 products).
        var byRow = rq.Permute(1, 0, 2, 3).Reshape(qh, b * qw, c);                         // [qh, B·qw, C]
        var relH = byRow.Matmul(rh.Transpose(-2, -1))                                      // [qh, B·qw, kh]
            .Reshape(qh, b, qw, kh).Permute(1, 0, 2, 3);                                   // [B, qh, qw, kh]
        var byCol = rq.Permute(2, 0, 1, 3).Reshape(qw, b * qh, c);                         // [qw, B·qh, C]
        var relW = byCol.Matmul(rw.Transpose(-2, -1))                                      // [qw, B·qh, kw]
            .Reshape(qw, b, qh, kw).Permute(1, 2, 0, 3);                                   // [B, qh, qw, kw]
        return (relH.Reshape(b, qh * qw, kh), relW.Reshape(b, qh * qw, kw));
    }

    /// <summary>1-D linear resampling of the table's rows (F.interpolate mode="linear", align_corners=False).</summary>
    private static Tensor ResizeLinear(Tensor table, int size)
    {
        var rows = table.Reshape(1, table.Size(0), -1).Permute(0, 2, 1);                  // [1, C, L]
        return Tensor.Interpolate(rows, new[] { size }, mode: "linear").Reshape(-1, size).Permute(1, 0);  // [size, C]
    }
}
