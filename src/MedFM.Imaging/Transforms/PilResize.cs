using MedFM.Imaging.Geometry;

namespace MedFM.Imaging.Transforms;

/// <summary>
/// PIL's <c>Image.resize(size, resample, box)</c> as Pillow 9.4 computes it (reference: python-pillow/Pillow 9.4.0,
/// src/PIL/Image.py <c>Image.resize</c>, src/_imaging.c <c>_resize</c>, src/libImaging/Resample.c and
/// src/libImaging/Geometry.c <c>ImagingScaleAffine</c>), bit for bit:
/// <list type="bullet">
/// <item>same size and full box: a copy; an integral box whose size equals the output: a crop;</item>
/// <item><see cref="PilFilter.Nearest"/>: the affine scale path (source position accumulated in double from
///   <c>box.left + 0.5·step</c>, truncated; rows or columns falling outside the image are 0);</item>
/// <item>every other filter: the separable two-pass convolution, horizontal first over only the rows the vertical
///   pass reads, a pass skipped when its axis keeps its size and box (PIL's <c>need_horizontal</c> /
///   <c>need_vertical</c>, including its comparison of the box's right edge with the output width); the kernel is
///   widened by the downscale factor (antialiasing). 8-bit images ("L", "RGB") use 22-bit fixed-point weights,
///   a 2^21 rounding bias and clipping to 0..255 after each pass, so the intermediate image is 8-bit as in PIL;
///   32-bit float images ("F") accumulate in double and store float after each pass.</item>
/// </list>
/// The <c>reducing_gap</c> pre-reduction is not reproduced (PIL's default is None, and torchvision never sets it).
/// Pixels are interleaved rows: <c>pixels[(y·width + x)·channels + c]</c>. 8-bit images have 1 ("L") or 3 ("RGB")
/// channels (PIL premultiplies "LA"/"RGBA" before resizing, which is not reproduced); float images may have any number
/// of channels, each resized as its own "F" image.
/// </summary>
public static partial class PilResize
{
    private const string Op = "PilResize.Resize";

    /// <summary>Resizes an 8-bit "L" (1 channel) or "RGB" (3 channels) image to outWidth × outHeight.</summary>
    public static byte[] Resize(ReadOnlySpan<byte> pixels, int width, int height, int channels, int outWidth, int outHeight,
        PilFilter filter = PilFilter.Bicubic, PilBox? box = null)
    {
        if (channels != 1 && channels != 3)
            throw new ImageTransformException(Op, $"8-bit images must have 1 (L) or 3 (RGB) channels, found {channels}");
        var b = Validate(pixels.Length, width, height, channels, outWidth, outHeight, box);
        if (IsIdentity(width, height, outWidth, outHeight, b)) return pixels.ToArray();
        if (IsCrop(b, outWidth, outHeight)) return Crop(pixels, width, channels, (int)b.Left, (int)b.Top, outWidth, outHeight);
        if (filter == PilFilter.Nearest) return Nearest(pixels, width, height, channels, outWidth, outHeight, b);
        return Convolve(pixels, width, height, channels, outWidth, outHeight, filter, b);
    }

    /// <summary>Resizes a 32-bit float ("F") image, each of its <paramref name="channels"/> channels on its own.</summary>
    public static float[] Resize(ReadOnlySpan<float> pixels, int width, int height, int channels, int outWidth, int outHeight,
        PilFilter filter = PilFilter.Bicubic, PilBox? box = null)
    {
        if (channels < 1) throw new ImageTransformException(Op, $"channels must be at least 1, found {channels}");
        var b = Validate(pixels.Length, width, height, channels, outWidth, outHeight, box);
        if (IsIdentity(width, height, outWidth, outHeight, b)) return pixels.ToArray();
        if (IsCrop(b, outWidth, outHeight)) return Crop(pixels, width, channels, (int)b.Left, (int)b.Top, outWidth, outHeight);
        if (filter == PilFilter.Nearest) return Nearest(pixels, width, height, channels, outWidth, outHeight, b);
        return Convolve(pixels, width, height, channels, outWidth, outHeight, filter, b);
    }

    /// <summary>
    /// Resizes a 2-D UInt8 (1 or 3 components) or Float32 volume. The result's geometry keeps the physical extent of
    /// the box: spacing scaled by (box width / outWidth, box height / outHeight), origin at the centre of the first
    /// output pixel.
    /// </summary>
    public static Volume Resize(Volume image, int outWidth, int outHeight, PilFilter filter = PilFilter.Bicubic, PilBox? box = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        RequireSingleSlice(image, Op);
        var b = box ?? PilBox.Full(image.Width, image.Height);
        Array data = image.VoxelType switch
        {
            VoxelType.UInt8 => Resize(image.GetData<byte>(), image.Width, image.Height, image.Components, outWidth, outHeight, filter, b),
            VoxelType.Float32 => Resize(image.GetData<float>(), image.Width, image.Height, image.Components, outWidth, outHeight, filter, b),
            _ => throw new ImageTransformException(Op, $"voxel type {image.VoxelType} has no PIL mode here: expected UInt8 (L, RGB) or Float32 (F)"),
        };
        var shape = new VolumeShape(outWidth, outHeight, 1, image.Components);
        return image.WithData(shape, data, ScaledGeometry(image.Geometry, b.Left, b.Top,
            (double)(b.Right - b.Left) / outWidth, (double)(b.Bottom - b.Top) / outHeight));
    }

    /// <summary>The geometry of a grid whose pixel i lies at input position left + (i + 0.5)·stepX − 0.5 (same for y).</summary>
    internal static ImageGeometry ScaledGeometry(ImageGeometry g, double left, double top, double stepX, double stepY)
    {
        var origin = g.IndexToWorld(left + 0.5 * stepX - 0.5, top + 0.5 * stepY - 0.5, 0);
        return new ImageGeometry(origin, new Vector3d(g.Spacing.X * stepX, g.Spacing.Y * stepY, g.Spacing.Z), g.Direction, g.Frame, g.IsKnown);
    }

    internal static void RequireSingleSlice(Volume image, string op)
    {
        if (image.Depth != 1 || image.Frames != 1)
            throw new ImageTransformException(op, $"expected a single 2-D image, found {image.Shape}");
    }

    private static PilBox Validate(int length, int width, int height, int channels, int outWidth, int outHeight, PilBox? box)
    {
        if (width < 1 || height < 1) throw new ImageTransformException(Op, $"input size must be positive, found {width}×{height}");
        if ((long)width * height * channels != length)
            throw new ImageTransformException(Op, $"{width}×{height}×{channels} needs {(long)width * height * channels} samples, found {length}");
        if (outWidth < 1 || outHeight < 1)
            throw new ImageTransformException(Op, $"height and width must be > 0, found {outWidth}×{outHeight}");
        if ((long)outWidth * outHeight * channels > Array.MaxLength)
            throw new ImageTransformException(Op, $"output {outWidth}×{outHeight}×{channels} exceeds the largest array");
        var b = box ?? PilBox.Full(width, height);
        if (!(b.Left >= 0) || !(b.Top >= 0)) throw new ImageTransformException(Op, $"box offset can't be negative: {b}");
        if (!(b.Right <= width) || !(b.Bottom <= height))
            throw new ImageTransformException(Op, $"box can't exceed original image size {width}×{height}: {b}");
        if (b.Right - b.Left < 0 || b.Bottom - b.Top < 0) throw new ImageTransformException(Op, $"box can't be empty: {b}");
        return b;
    }

    private static bool IsIdentity(int width, int height, int outWidth, int outHeight, PilBox b) =>
        width == outWidth && height == outHeight && b == PilBox.Full(width, height);

    // _imaging.c: "If box's coordinates are int and box size matches requested size" → ImagingCrop.
    private static bool IsCrop(PilBox b, int outWidth, int outHeight) =>
        b.Left - (int)b.Left == 0 && b.Right - b.Left == outWidth && b.Top - (int)b.Top == 0 && b.Bottom - b.Top == outHeight;

    private static T[] Crop<T>(ReadOnlySpan<T> src, int width, int channels, int left, int top, int outWidth, int outHeight)
    {
        var dst = new T[outWidth * outHeight * channels];
        for (int y = 0; y < outHeight; y++)
            src.Slice(((top + y) * width + left) * channels, outWidth * channels).CopyTo(dst.AsSpan(y * outWidth * channels));
        return dst;
    }

    /// <summary>Geometry.c ImagingScaleAffine: nearest neighbour with the source position accumulated per step.</summary>
    private static T[] Nearest<T>(ReadOnlySpan<T> src, int width, int height, int channels, int outWidth, int outHeight, PilBox b)
    {
        double a0 = (double)(b.Right - b.Left) / outWidth, a4 = (double)(b.Bottom - b.Top) / outHeight;
        var xin = new int[outWidth];
        double xo = b.Left + a0 * 0.5;
        for (int x = 0; x < outWidth; x++)
        {
            int xi = xo < 0.0 ? -1 : (int)xo;
            xin[x] = xi < width ? xi : -1;
            xo += a0;
        }
        var dst = new T[outWidth * outHeight * channels];
        double yo = b.Top + a4 * 0.5;
        for (int y = 0; y < outHeight; y++)
        {
            int yi = yo < 0.0 ? -1 : (int)yo;
            yo += a4;
            if (yi < 0 || yi >= height) continue;
            var row = src.Slice(yi * width * channels, width * channels);
            var outRow = dst.AsSpan(y * outWidth * channels, outWidth * channels);
            for (int x = 0; x < outWidth; x++)
            {
                if (xin[x] < 0) continue;
                for (int c = 0; c < channels; c++) outRow[x * channels + c] = row[xin[x] * channels + c];
            }
        }
        return dst;
    }

    /// <summary>Resample.c ImagingResampleInner: which passes run, over which rows.</summary>
    private static bool NeedPasses(int width, int height, int outWidth, int outHeight, PilBox b, out bool vertical)
    {
        vertical = outHeight != height || b.Top != 0 || b.Bottom != outHeight;
        return outWidth != width || b.Left != 0 || b.Right != outWidth;
    }

    private static byte[] Convolve(ReadOnlySpan<byte> src, int width, int height, int channels, int outWidth, int outHeight, PilFilter filter, PilBox b)
    {
        bool horizontal = NeedPasses(width, height, outWidth, outHeight, b, out bool vertical);
        var ch = PilCoefficients.Compute(width, b.Left, b.Right, outWidth, filter);
        var cv = PilCoefficients.Compute(height, b.Top, b.Bottom, outHeight, filter);
        byte[]? temp = null;
        int tempWidth = width, tempHeight = height;
        ReadOnlySpan<byte> current = src;
        if (horizontal)
        {
            int first = cv.Start[0], last = cv.Start[outHeight - 1] + cv.Count[outHeight - 1];
            cv.ShiftStarts(first);
            tempWidth = outWidth;
            tempHeight = last - first;
            temp = new byte[tempWidth * tempHeight * channels];
            Horizontal8(src, width, channels, first, temp, outWidth, tempHeight, ch);
            current = temp;
        }
        if (vertical)
        {
            var output = new byte[tempWidth * outHeight * channels];
            Vertical8(current, tempWidth * channels, output, outHeight, cv);
            return output;
        }
        return temp ?? src.ToArray();
    }

    private static float[] Convolve(ReadOnlySpan<float> src, int width, int height, int channels, int outWidth, int outHeight, PilFilter filter, PilBox b)
    {
        bool horizontal = NeedPasses(width, height, outWidth, outHeight, b, out bool vertical);
        var ch = PilCoefficients.Compute(width, b.Left, b.Right, outWidth, filter);
        var cv = PilCoefficients.Compute(height, b.Top, b.Bottom, outHeight, filter);
        float[]? temp = null;
        int tempWidth = width;
        ReadOnlySpan<float> current = src;
        if (horizontal)
        {
            int first = cv.Start[0], last = cv.Start[outHeight - 1] + cv.Count[outHeight - 1];
            cv.ShiftStarts(first);
            tempWidth = outWidth;
            temp = new float[outWidth * (last - first) * channels];
            HorizontalFloat(src, width, channels, first, temp, outWidth, last - first, ch);
            current = temp;
        }
        if (vertical)
        {
            var output = new float[tempWidth * outHeight * channels];
            VerticalFloat(current, tempWidth * channels, output, outHeight, cv);
            return output;
        }
        return temp ?? src.ToArray();
    }
}
