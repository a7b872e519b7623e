namespace MedFM.Imaging.Transforms;

/// <summary>
/// SAM's <c>ResizeLongestSide</c> (reference: facebookresearch/segment-anything,
/// segment_anything/utils/transforms.py): the longer image side becomes <see cref="TargetLength"/>, the other
/// <c>int(side · scale + 0.5)</c>; <see cref="ApplyImage"/> is <c>np.array(resize(to_pil_image(image), target_size))</c>,
/// i.e. torchvision's resize on a PIL image with its default bilinear filter (<see cref="PilResize"/>, bit-identical);
/// <see cref="ApplyCoords"/> / <see cref="ApplyBoxes"/> scale x by new_w / old_w and y by new_h / old_h in double, as
/// the numpy path does (<see cref="ApplyCoordsTorch"/> is the float32 torch path).
/// </summary>
public sealed class ResizeLongestSide
{
    public ResizeLongestSide(int targetLength)
    {
        if (targetLength < 1) throw new ImageTransformException("ResizeLongestSide", $"target length must be positive, found {targetLength}");
        TargetLength = targetLength;
    }

    public int TargetLength { get; }

    /// <summary><c>get_preprocess_shape</c>: scale = long_side / max(h, w); new side = int(side · scale + 0.5).</summary>
    public static (int Height, int Width) GetPreprocessShape(int oldHeight, int oldWidth, int longSideLength)
    {
        if (oldHeight < 1 || oldWidth < 1)
            throw new ImageTransformException("ResizeLongestSide", $"image size must be positive, found {oldWidth}×{oldHeight}");
        double scale = longSideLength * 1.0 / Math.Max(oldHeight, oldWidth);
        double newH = oldHeight * scale, newW = oldWidth * scale;
        return ((int)(newH + 0.5), (int)(newW + 0.5));
    }

    /// <summary>The resized 8-bit L/RGB image (PIL bilinear, antialiased when shrinking).</summary>
    public Volume ApplyImage(Volume image)
    {
        ArgumentNullException.ThrowIfNull(image);
        TorchvisionTransforms.RequireImage(image, "ResizeLongestSide.ApplyImage");
        var (h, w) = GetPreprocessShape(image.Height, image.Width, TargetLength);
        return TorchvisionTransforms.Resize(image, h, w, PilFilter.Bilinear);
    }

    /// <summary>Scales interleaved (x, y) pairs from an image of <paramref name="originalSize"/> (H, W) to the resized one.</summary>
    public double[] ApplyCoords(ReadOnlySpan<double> coords, (int Height, int Width) originalSize)
    {
        if (coords.Length % 2 != 0)
            throw new ImageTransformException("ResizeLongestSide.ApplyCoords", $"coordinates must be (x, y) pairs, found {coords.Length} values");
        var (newH, newW) = GetPreprocessShape(originalSize.Height, originalSize.Width, TargetLength);
        double sx = (double)newW / originalSize.Width, sy = (double)newH / originalSize.Height;
        var result = new double[coords.Length];
        for (int i = 0; i < coords.Length; i += 2)
        {
            result[i] = coords[i] * sx;
            result[i + 1] = coords[i + 1] * sy;
        }
        return result;
    }

    /// <summary>Boxes as (x0, y0, x1, y1) quadruples: both corners through <see cref="ApplyCoords"/>.</summary>
    public double[] ApplyBoxes(ReadOnlySpan<double> boxes, (int Height, int Width) originalSize)
    {
        if (boxes.Length % 4 != 0)
            throw new ImageTransformException("ResizeLongestSide.ApplyBoxes", $"boxes must be (x0, y0, x1, y1) quadruples, found {boxes.Length} values");
        return ApplyCoords(boxes, originalSize);
    }

    /// <summary>
    /// <c>apply_coords_torch</c>: the coordinates as a float32 tensor multiplied by the Python-float ratio, which
    /// torch rounds to float32 before the float32 product.
    /// </summary>
    public float[] ApplyCoordsTorch(ReadOnlySpan<float> coords, (int Height, int Width) originalSize)
    {
        if (coords.Length % 2 != 0)
            throw new ImageTransformException("ResizeLongestSide.ApplyCoordsTorch", $"coordinates must be (x, y) pairs, found {coords.Length} values");
        var (newH, newW) = GetPreprocessShape(originalSize.Height, originalSize.Width, TargetLength);
        float sx = (float)((double)newW / originalSize.Width), sy = (float)((double)newH / originalSize.Height);
        var result = new float[coords.Length];
        for (int i = 0; i < coords.Length; i += 2)
        {
            result[i] = coords[i] * sx;
            result[i + 1] = coords[i + 1] * sy;
        }
        return result;
    }
}
