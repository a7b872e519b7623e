namespace MedFM.Imaging.Transforms;

/// <summary>
/// torchvision 0.14's functional transforms on PIL images, the way timm's eval pipeline and the model repositories
/// call them (reference: pytorch/vision v0.14, torchvision/transforms/functional.py <c>resize</c>,
/// <c>_compute_resized_output_size</c>, <c>center_crop</c>, <c>to_tensor</c>, <c>normalize</c>; functional_pil.py
/// <c>resize</c>). Images are 2-D UInt8 volumes with 1 ("L") or 3 ("RGB") components; resizing is
/// <see cref="PilResize"/> (torchvision hands PIL images to <c>Image.resize</c>, where antialiasing is always on).
/// Tensors are float32 CHW arrays (<see cref="ImageTensor"/>), computed with the same float32 operations as torch,
/// so results are bit-identical.
/// </summary>
public static class TorchvisionTransforms
{
    /// <summary>
    /// <c>_compute_resized_output_size</c> for an int size: the shorter side becomes <paramref name="size"/>, the longer
    /// <c>int(size · long / short)</c> (truncated, computed in double as Python does); with <paramref name="maxSize"/>
    /// the longer side is capped and the shorter becomes <c>int(max_size · new_short / new_long)</c>.
    /// </summary>
    public static (int Height, int Width) ShorterSideSize(int height, int width, int size, int? maxSize = null)
    {
        const string op = "TorchvisionTransforms.Resize";
        if (height < 1 || width < 1) throw new ImageTransformException(op, $"image size must be positive, found {width}×{height}");
        if (size < 1) throw new ImageTransformException(op, $"size must be positive, found {size}");
        int shortSide = width <= height ? width : height, longSide = width <= height ? height : width;
        int newShort = size, newLong = (int)(size * (double)longSide / shortSide);
        if (maxSize is int max)
        {
            if (max <= size)
                throw new ImageTransformException(op, $"max_size = {max} must be strictly greater than the requested size for the smaller edge size = {size}");
            if (newLong > max)
            {
                newShort = (int)(max * (double)newShort / newLong);
                newLong = max;
            }
        }
        return width <= height ? (newLong, newShort) : (newShort, newLong);
    }

    /// <summary><c>transforms.Resize(size)</c> with an int size: shorter side to <paramref name="size"/>.</summary>
    public static Volume Resize(Volume image, int size, PilFilter interpolation = PilFilter.Bilinear, int? maxSize = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (h, w) = ShorterSideSize(image.Height, image.Width, size, maxSize);
        return ResizeTo(image, h, w, interpolation);
    }

    /// <summary><c>transforms.Resize((h, w))</c>: exactly <paramref name="height"/> × <paramref name="width"/>.</summary>
    public static Volume Resize(Volume image, int height, int width, PilFilter interpolation = PilFilter.Bilinear)
    {
        ArgumentNullException.ThrowIfNull(image);
        return ResizeTo(image, height, width, interpolation);
    }

    private static Volume ResizeTo(Volume image, int height, int width, PilFilter interpolation)
    {
        RequireImage(image, "TorchvisionTransforms.Resize");
        // functional.resize returns the image itself when the size already matches.
        if (image.Height == height && image.Width == width) return image;
        return PilResize.Resize(image, width, height, interpolation);
    }

    /// <summary>
    /// <c>transforms.CenterCrop((h, w))</c>: pads with zeros first when the crop is larger than the image (left/top
    /// get the floor of half the excess), then crops at <c>int(round((H − h) / 2.0))</c>, Python's round being half
    /// to even.
    /// </summary>
    public static Volume CenterCrop(Volume image, int height, int width)
    {
        const string op = "TorchvisionTransforms.CenterCrop";
        ArgumentNullException.ThrowIfNull(image);
        RequireImage(image, op);
        if (height < 1 || width < 1) throw new ImageTransformException(op, $"crop size must be positive, found {width}×{height}");
        if (width > image.Width || height > image.Height)
        {
            int left = width > image.Width ? (width - image.Width) / 2 : 0;
            int top = height > image.Height ? (height - image.Height) / 2 : 0;
            int right = width > image.Width ? (width - image.Width + 1) / 2 : 0;
            int bottom = height > image.Height ? (height - image.Height + 1) / 2 : 0;
            image = image.Pad((left, top, 0), (right, bottom, 0), 0);
            if (image.Width == width && image.Height == height) return image;
        }
        int cropTop = (int)Math.Round((image.Height - height) / 2.0, MidpointRounding.ToEven);
        int cropLeft = (int)Math.Round((image.Width - width) / 2.0, MidpointRounding.ToEven);
        return image.Crop(cropLeft, cropTop, 0, width, height, 1);
    }

    /// <summary><c>to_tensor</c> of an "L"/"RGB" PIL image: HWC bytes → CHW float32, each value <c>(float)v / 255f</c>.</summary>
    public static ImageTensor ToTensor(Volume image)
    {
        ArgumentNullException.ThrowIfNull(image);
        RequireImage(image, "TorchvisionTransforms.ToTensor");
        int c = image.Components, h = image.Height, w = image.Width, plane = h * w;
        var src = image.GetData<byte>();
        var lut = new float[256];
        for (int v = 0; v < 256; v++) lut[v] = v / 255f;
        var dst = new float[c * plane];
        for (int p = 0; p < plane; p++)
            for (int ch = 0; ch < c; ch++)
                dst[ch * plane + p] = lut[src[p * c + ch]];
        return new ImageTensor(dst, c, h, w);
    }

    /// <summary>
    /// <c>normalize(tensor, mean, std)</c> in place: <c>(x − mean[c]) / std[c]</c> with mean and std rounded to
    /// float32 first (torch.as_tensor(mean, dtype=float32)), as two float32 operations.
    /// </summary>
    public static void Normalize(ImageTensor tensor, ReadOnlySpan<double> mean, ReadOnlySpan<double> std)
    {
        const string op = "TorchvisionTransforms.Normalize";
        ArgumentNullException.ThrowIfNull(tensor);
        if (mean.Length != std.Length || (mean.Length != 1 && mean.Length != tensor.Channels))
            throw new ImageTransformException(op, $"mean ({mean.Length}) and std ({std.Length}) must have 1 or {tensor.Channels} entries");
        int plane = tensor.Height * tensor.Width;
        for (int c = 0; c < tensor.Channels; c++)
        {
            float m = (float)mean[mean.Length == 1 ? 0 : c], s = (float)std[std.Length == 1 ? 0 : c];
            if (s == 0f) throw new ImageTransformException(op, $"std evaluated to zero after conversion to float32 (channel {c})");
            var span = tensor.Data.AsSpan(c * plane, plane);
            for (int i = 0; i < span.Length; i++) span[i] = (span[i] - m) / s;
        }
    }

    internal static void RequireImage(Volume image, string op)
    {
        PilResize.RequireSingleSlice(image, op);
        if (image.VoxelType != VoxelType.UInt8 || (image.Components != 1 && image.Components != 3))
            throw new ImageTransformException(op, $"expected an 8-bit L or RGB image (UInt8, 1 or 3 components), found {image.VoxelType} with {image.Components} components");
    }
}
