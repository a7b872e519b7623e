namespace MedFM.Tensors.Kernels;

/// <summary>
/// Where the rows of one attention operand lie: the flattened head index bh = b·HeadsPerBatch + h starts at
/// b·BatchStride + h·HeadStride, and its rows are RowStride floats apart (elements within a row are contiguous).
/// Dense [heads, L, E] is <see cref="Dense"/>; a [B, L, nH, E] buffer read as [B, nH, L, E] (heads split off a
/// projection's output without a copy) has HeadsPerBatch = nH, HeadStride = E, RowStride = nH·E.
/// </summary>
internal readonly record struct AttentionLayout(int HeadsPerBatch, long BatchStride, long HeadStride, int RowStride)
{
    /// <summary>Heads stored one after another, each [rows, width] row-major.</summary>
    public static AttentionLayout Dense(int rows, int width) => new(1, (long)rows * width, 0, width);

    /// <summary>Offset of row <paramref name="row"/> of flattened head <paramref name="head"/>.</summary>
    public long Offset(int head, int row) => head / HeadsPerBatch * BatchStride + head % HeadsPerBatch * HeadStride + (long)row * RowStride;

}
