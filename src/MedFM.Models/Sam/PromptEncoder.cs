using MedFM.NN;
using MedFM.NN.Layers;
using MedFM.Tensors;

namespace MedFM.Models.Sam;

/// <summary>
/// Embeds points, boxes and masks for the mask decoder (segment_anything/modeling/prompt_encoder.py, PromptEncoder):
/// random-Fourier positional encoding of coordinates plus learned point/box-corner embeddings; "not a point" pads
/// point prompts without a box; a conv stack downsamples mask prompts; "no mask" fills the dense embedding otherwise.
/// </summary>
public sealed class PromptEncoder : Module
{
    public PromptEncoder(int embedDim, int embeddingSize, int inputImageSize, int maskInChans)
    {
        EmbedDim = embedDim;
        EmbeddingSize = embeddingSize;
        InputImageSize = inputImageSize;
        PeLayer = Register("pe_layer", new PositionEmbeddingRandom(embedDim / 2));
        PointEmbeddings = Register("point_embeddings", new ModuleList<Embedding>());
        for (int i = 0; i < 4; i++) PointEmbeddings.Add(new Embedding(1, embedDim));   // neg point, pos point, box corners
        NotAPointEmbed = Register("not_a_point_embed", new Embedding(1, embedDim));
        MaskDownscaling = Register("mask_downscaling", new Sequential(
            new Conv2d(1, maskInChans / 4, 2, stride: 2),
            new LayerNorm2d(maskInChans / 4),
            new GELU(),
            new Conv2d(maskInChans / 4, maskInChans, 2, stride: 2),
            new LayerNorm2d(maskInChans),
            new GELU(),
            new Conv2d(maskInChans, embedDim, 1)));
        NoMaskEmbed = Register("no_mask_embed", new Embedding(1, embedDim));
    }

    public int EmbedDim { get; }

    public int EmbeddingSize { get; }

    public int InputImageSize { get; }

    public PositionEmbeddingRandom PeLayer { get; }

    public ModuleList<Embedding> PointEmbeddings { get; }

    public Embedding NotAPointEmbed { get; }

    public Sequential MaskDownscaling { get; }

    public Embedding NoMaskEmbed { get; }

    /// <summary>Positional encoding of the embedding grid: [1, C, 64, 64].</summary>
    public Tensor GetDensePe() => PeLayer.ForwardGrid(EmbeddingSize, EmbeddingSize).Unsqueeze(0);

    /// <summary>
    /// points: coordinates [B, N, 2] (x, y in the 1024 frame) with labels [B, N] (1 positive, 0 negative, −1 padding);
    /// boxes [B, 4] (x0, y0, x1, y1); masks [B, 1, 256, 256]. Returns sparse [B, n, C] and dense [B, C, 64, 64].
    /// </summary>
    public (Tensor Sparse, Tensor Dense) Forward(Tensor? pointCoords, Tensor? pointLabels, Tensor? boxes, Tensor? masks)
    {
        int bs = pointCoords?.Size(0) ?? boxes?.Size(0) ?? masks?.Size(0) ?? 1;
        var parts = new List<Tensor>();
        if (pointCoords is not null)
        {
            if (pointLabels is null) throw new ArgumentException("point prompts need labels");
            parts.Add(EmbedPoints(pointCoords, pointLabels, pad: boxes is null));
        }
        if (boxes is not null) parts.Add(EmbedBoxes(boxes));
        var sparse = parts.Count == 0 ? Tensor.Zeros(bs, 0, EmbedDim) : parts.Count == 1 ? parts[0] : Tensor.Cat(parts, 1);
        var dense = masks is not null
            ? MaskDownscaling.Forward(masks)
            : NoMaskEmbed.Weight.Reshape(1, -1, 1, 1).Expand(bs, -1, EmbeddingSize, EmbeddingSize);
        return (sparse, dense);
    }

    private Tensor EmbedPoints(Tensor coords, Tensor labels, bool pad)
    {
        coords = coords.Add(0.5f);                                                    // pixel centres
        if (pad)
        {
            int b = coords.Size(0);
            coords = Tensor.Cat(new[] { coords, Tensor.Zeros(b, 1, 2) }, 1);
            labels = Tensor.Cat(new[] { labels, Tensor.Full(-1f, b, 1) }, 1);
        }
        var pe = PeLayer.ForwardWithCoords(coords, InputImageSize, InputImageSize);  // [B, N, C]
        var lab = labels.Unsqueeze(-1);                                               // [B, N, 1]
        var isPad = lab.Eq(-1f);
        pe = pe.MaskedFill(isPad.Expand(pe.ShapeArray()), 0f);
        pe = pe.Add(Tensor.Where(isPad, NotAPointEmbed.Weight, Tensor.Scalar(0f)));
        pe = pe.Add(Tensor.Where(lab.Eq(0f), PointEmbeddings[0].Weight, Tensor.Scalar(0f)));
        return pe.Add(Tensor.Where(lab.Eq(1f), PointEmbeddings[1].Weight, Tensor.Scalar(0f)));
    }

    private Tensor EmbedBoxes(Tensor boxes)
    {
        var corners = boxes.Add(0.5f).Reshape(-1, 2, 2);                               // [B, 2, 2]
        var pe = PeLayer.ForwardWithCoords(corners, InputImageSize, InputImageSize);   // [B, 2, C]
        var corner = Tensor.Cat(new[] { PointEmbeddings[2].Weight, PointEmbeddings[3].Weight }, 0);  // [2, C]
        return pe.Add(corner);
    }
}

/// <summary>Random Fourier features of normalised coordinates (prompt_encoder.py, PositionEmbeddingRandom).</summary>
public sealed class PositionEmbeddingRandom : Module
{
    public PositionEmbeddingRandom(int numPosFeats)
    {
        GaussianMatrix = RegisterBuffer("positional_encoding_gaussian_matrix", Tensor.Randn(null, new[] { 2, numPosFeats }));
    }

    public Tensor GaussianMatrix { get; }

    /// <summary>Coordinates in [0, 1] (..., 2) → [sin, cos] features (..., 2·F).</summary>
    public Tensor Encode(Tensor coords)
    {
        var c = coords.Mul(2f).Sub(1f).Matmul(GaussianMatrix).Mul(2f * MathF.PI);
        return Tensor.Cat(new[] { c.Sin(), c.Cos() }, -1);
    }

    /// <summary>
    /// Encoding of an h×w grid of pixel centres: [C, h, w] (contiguous). It depends only on the grid and the
    /// Gaussian matrix, so the last one is kept with a copy of the matrix it came from and reused while both match
    /// (every prompt asks for the same 64×64 grid; recomputing it costs more than the prompt encoder itself).
    /// The returned tensor is shared between calls: do not modify it in place.
    /// </summary>
    public Tensor ForwardGrid(int h, int w)
    {
        var matrix = GaussianMatrix.Contiguous().ToArray();
        var cached = gridCache;
        if (cached is not null && cached.H == h && cached.W == w && cached.Matrix.AsSpan().SequenceEqual(matrix)) return cached.Grid;
        var grid = ComputeGrid(h, w);
        if (grid.RequiresGrad) return grid;
        var kept = Tensor.Wrap(grid.Contiguous().ToArray(), grid.ShapeArray());  // its own array, outside any pool scope
        gridCache = new GridCache(h, w, matrix, kept);
        return kept;
    }

    private sealed record GridCache(int H, int W, float[] Matrix, Tensor Grid);

    private GridCache? gridCache;

    private Tensor ComputeGrid(int h, int w)
    {
        var ys = Tensor.Arange(h).Add(0.5f).Div(h).Reshape(h, 1, 1).Expand(h, w, 1);
        var xs = Tensor.Arange(w).Add(0.5f).Div(w).Reshape(1, w, 1).Expand(h, w, 1);
        return Encode(Tensor.Cat(new[] { xs, ys }, -1)).Permute(2, 0, 1);              // [C, h, w]
    }

    /// <summary>Pixel coordinates [B, N, 2] (x, y) in an image of the given size → [B, N, C].</summary>
    public Tensor ForwardWithCoords(Tensor coords, int imageH, int imageW)
    {
        var size = Tensor.FromArray(new[] { (float)imageW, (float)imageH });
        return Encode(coords.Div(size));
    }
}
