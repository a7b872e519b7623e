using MedFM.Models.Sam;
using MedFM.Tensors;
using MedFM.Training.Sam;

namespace MedFM.BundledSam;

/// <summary>
/// Training tensors for one slice: the preset's preprocessed image [3, S, S] (computed once) and, per object, the mask
/// resized to S × S (nearest) and the box in the S × S frame, as the predictor maps prompts for the MedSAM
/// preprocessing (x·S/W, y·S/H).
/// </summary>
public sealed class TrainingData
{
    private readonly List<(float[] Image, AtlasSlice Slice)> slices = new();
    private readonly Dictionary<int, int> indexOfSlice = new();
    private readonly int size;

    public TrainingData(IEnumerable<AtlasSlice> source, SamConfig config)
    {
        size = config.ImageSize;
        foreach (var s in source)
        {
            indexOfSlice[s.K] = slices.Count;
            slices.Add((SamPreprocessor.Prepare(SamImage.ToRgb(s.Image), config).Image.ToArray(), s));
        }
    }

    /// <summary>Share of prompts taken as propagation does: the box of the structure on a nearby slice.</summary>
    public double NeighbourShare { get; init; }

    /// <summary>Largest slice distance of a neighbour's box.</summary>
    public int MaxNeighbourDistance { get; init; } = 3;

    public int Count => slices.Count;

    /// <summary>
    /// A batch of <paramref name="images"/> random slices with <paramref name="boxesPerImage"/> random objects each;
    /// every box edge moves outward by up to <paramref name="jitter"/> original pixels (MedSAM's box perturbation).
    /// </summary>
    public SamBatch Sample(Random rng, int images, int boxesPerImage, int jitter)
    {
        int s = size, plane = s * s;
        var x = new float[images * 3 * plane];
        var boxes = new float[images * boxesPerImage * 4];
        var masks = new float[images * boxesPerImage * plane];
        for (int b = 0; b < images; b++)
        {
            var slice = slices[rng.Next(slices.Count)].Slice;
            // Half the images are shown with the boxes of a nearby slice's structures and those structures' masks
            // on the image itself (empty where a structure has ended): what each propagation step asks.
            var shown = NeighbourShare > 0 && rng.NextDouble() < NeighbourShare && Neighbour(rng, slice.K) is { } other ? other : slice;
            slices[indexOfSlice[shown.K]].Image.CopyTo(x, b * 3 * plane);
            for (int j = 0; j < boxesPerImage; j++)
            {
                var o = slice.Objects[rng.Next(slice.Objects.Count)];
                int w = slice.Image.Width, h = slice.Image.Height, n = b * boxesPerImage + j;
                var target = ReferenceEquals(shown, slice) ? o.Mask : shown.MaskOf(o.Label);
                var box = new SamBox(Math.Max(0, o.Box.X0 - rng.Next(jitter + 1)), Math.Max(0, o.Box.Y0 - rng.Next(jitter + 1)),
                    Math.Min(w, o.Box.X1 + rng.Next(jitter + 1)), Math.Min(h, o.Box.Y1 + rng.Next(jitter + 1)));
                boxes[n * 4] = (float)(box.X0 * s / w);
                boxes[n * 4 + 1] = (float)(box.Y0 * s / h);
                boxes[n * 4 + 2] = (float)(box.X1 * s / w);
                boxes[n * 4 + 3] = (float)(box.Y1 * s / h);
                ResizeNearest(target, w, h, masks.AsSpan(n * plane, plane), s);
            }
        }
        return new SamBatch(Tensor.Wrap(x, images, 3, s, s), Tensor.Wrap(boxes, images, boxesPerImage, 4),
            Tensor.Wrap(masks, images * boxesPerImage, 1, s, s));
    }

    private AtlasSlice? Neighbour(Random rng, int k)
    {
        int d = rng.Next(1, MaxNeighbourDistance + 1) * (rng.Next(2) == 0 ? -1 : 1);
        return indexOfSlice.TryGetValue(k + d, out int i) ? slices[i].Slice : null;
    }

    /// <summary>Nearest-neighbour resize with pixel-centre alignment (source index ⌊(d + ½)·W/S⌋).</summary>
    private static void ResizeNearest(byte[] mask, int w, int h, Span<float> dst, int s)
    {
        for (int y = 0; y < s; y++)
        {
            int sy = Math.Min(h - 1, (int)((y + 0.5) * h / s));
            for (int xo = 0; xo < s; xo++)
                dst[y * s + xo] = mask[sy * w + Math.Min(w - 1, (int)((xo + 0.5) * w / s))];
        }
    }
}
