using MedFM.Imaging.Png;

namespace MedFM.Imaging.Overlay;

/// <summary>
/// Draws a segmentation over a 2-D image: each non-zero label fills its pixels with its palette colour at
/// <see cref="OverlayOptions.FillOpacity"/> (out = round((1 − α)·base + α·colour)) and, optionally, outlines the region
/// (pixels with a 4-neighbour, within the thickness, of another label or outside the image) in solid colour.
/// The base is grey (1 component, shown as grey RGB) or RGB; the mask is a label map of the same width and height
/// (integer labels; float masks count values above 0.5 as label max(1, round(v))). The result is an RGB UInt8 volume.
/// </summary>
public static class OverlayRenderer
{
    public static Volume Render(Volume image, Volume mask, OverlayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(mask);
        options ??= OverlayOptions.Default;
        if (image.Depth != 1 || image.Frames != 1 || mask.Depth != 1 || mask.Frames != 1)
            throw new VolumeShapeException($"overlays are 2-D: image {image.Shape}, mask {mask.Shape} (take a Slice first)");
        if (image.Width != mask.Width || image.Height != mask.Height)
            throw new VolumeShapeException($"image {image.Width}×{image.Height} and mask {mask.Width}×{mask.Height} differ in size");
        if (image.Components is not (1 or 3) || mask.Components != 1)
            throw new VolumeShapeException($"the image must be grey or RGB and the mask single-channel; found {image.Components} and {mask.Components}");
        if (!(options.FillOpacity is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(options), "fill opacity must be in [0, 1]");
        var rgb = BaseRgb(image, options);
        var labels = Labels(mask);
        int w = image.Width, h = image.Height;
        double a = options.FillOpacity;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int l = labels[y * w + x];
                if (l == 0) continue;
                var (r, g, b) = options.Palette.ColorOf(l);
                int o = (y * w + x) * 3;
                if (options.DrawContours && IsContour(labels, w, h, x, y, options.ContourThickness))
                {
                    rgb[o] = r; rgb[o + 1] = g; rgb[o + 2] = b;
                    continue;
                }
                rgb[o] = Blend(rgb[o], r, a); rgb[o + 1] = Blend(rgb[o + 1], g, a); rgb[o + 2] = Blend(rgb[o + 2], b, a);
            }
        return new Volume(new VolumeShape(w, h, 1, 3), rgb, image.Geometry);
    }

    /// <summary>Renders slice <paramref name="k"/> of a 3-D image and mask.</summary>
    public static Volume RenderSlice(Volume image, Volume mask, int k, OverlayOptions? options = null) =>
        Render(image.Frames > 1 ? image.Frame(0).Slice(k) : image.Slice(k), mask.Frames > 1 ? mask.Frame(0).Slice(k) : mask.Slice(k), options);

    /// <summary>Renders and writes the overlay as an RGB PNG (atomically).</summary>
    public static void WritePng(Volume image, Volume mask, string path, OverlayOptions? options = null) =>
        PngWriter.Write(Render(image, mask, options), path);

    private static byte Blend(byte b, byte c, double a) => (byte)Math.Round((1 - a) * b + a * c, MidpointRounding.AwayFromZero);

    private static bool IsContour(int[] labels, int w, int h, int x, int y, int thickness)
    {
        int l = labels[y * w + x];
        for (int d = 1; d <= Math.Max(1, thickness); d++)
        {
            if (x - d < 0 || x + d >= w || y - d < 0 || y + d >= h) return true;
            if (labels[y * w + x - d] != l || labels[y * w + x + d] != l || labels[(y - d) * w + x] != l || labels[(y + d) * w + x] != l)
                return true;
        }
        return false;
    }

    private static byte[] BaseRgb(Volume image, OverlayOptions options)
    {
        Volume grey8 = image.VoxelType == VoxelType.UInt8
            ? image
            : options.Window is { } win ? image.WindowToUInt8(win) : ScaleToByte(image);
        var src = grey8.GetData<byte>();
        var rgb = new byte[image.Width * image.Height * 3];
        if (image.Components == 3) src.CopyTo(rgb);
        else for (int i = 0; i < src.Length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = src[i];
        return rgb;
    }

    private static Volume ScaleToByte(Volume v)
    {
        var n = v.NormalizeMinMax().GetData<float>();
        var b = new byte[n.Length];
        for (int i = 0; i < b.Length; i++) b[i] = (byte)MathF.Round(n[i] * 255f, MidpointRounding.AwayFromZero);
        return new Volume(v.Shape, b, v.Geometry);
    }

    private static int[] Labels(Volume mask)
    {
        var values = mask.ToFloat64();
        var labels = new int[values.Length];
        bool isFloat = mask.VoxelType is VoxelType.Float32 or VoxelType.Float64;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            labels[i] = isFloat ? (v > 0.5 ? (int)Math.Max(1, Math.Round(Math.Min(v, int.MaxValue))) : 0) : (int)Math.Max(0, Math.Min(v, int.MaxValue));
        }
        return labels;
    }
}
