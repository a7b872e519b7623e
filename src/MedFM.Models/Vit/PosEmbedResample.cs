using MedFM.Tensors;

namespace MedFM.Models.Vit;

/// <summary>
/// Resamples a learned absolute position embedding to a new patch grid as timm does
/// (timm/layers/pos_embed.py, resample_abs_pos_embed): prefix-token entries are kept, the grid part is reshaped to
/// [1, D, h, w] and resized with bicubic interpolation and antialiasing, then flattened back.
/// </summary>
public static class PosEmbedResample
{
    /// <param name="posEmbed">[1, prefix + oldH·oldW, D]</param>
    public static Tensor Resample(Tensor posEmbed, int oldH, int oldW, int newH, int newW, int numPrefixTokens)
    {
        int d = posEmbed.Size(2);
        int total = posEmbed.Size(1);
        if (total != numPrefixTokens + oldH * oldW)
            throw new TensorShapeException("resample_pos_embed", $"position embedding {ShapeUtil.Format(posEmbed.Shape)} does not hold {numPrefixTokens} prefix tokens and a {oldH}x{oldW} grid");
        if (oldH == newH && oldW == newW) return posEmbed;
        var grid = posEmbed.Narrow(1, numPrefixTokens, oldH * oldW).Reshape(1, oldH, oldW, d).Permute(0, 3, 1, 2);  // [1, D, oldH, oldW]
        var resized = Tensor.Interpolate(grid, new[] { newH, newW }, mode: "bicubic", antialias: true);             // [1, D, newH, newW]
        var tokens = resized.Permute(0, 2, 3, 1).Reshape(1, newH * newW, d);                                          // [1, newH·newW, D]
        return numPrefixTokens == 0 ? tokens : Tensor.Cat(new[] { posEmbed.Narrow(1, 0, numPrefixTokens), tokens }, 1);
    }
}
