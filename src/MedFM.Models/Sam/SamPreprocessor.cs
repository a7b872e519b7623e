using MedFM.Imaging;
using MedFM.Imaging.Transforms;
using MedFM.Tensors;

namespace MedFM.Models.Sam;

/// <summary>An image prepared for the encoder: [1, 3, S, S] plus the sizes needed to map prompts and masks back.</summary>
public sealed record SamInput(Tensor Image, int OriginalHeight, int OriginalWidth, int InputHeight, int InputWidth);

/// <summary>
/// The two reference preprocessings, bit-faithful on uint8 RGB input:
/// SAM (segment_anything/predictor.py set_image + sam.py preprocess): ResizeLongestSide through PIL bilinear,
/// (x − pixel_mean) / pixel_std, zero padding to S×S at the bottom and right.
/// MedSAM (bowang-lab/MedSAM MedSAM_Inference.py): skimage resize to S×S (order 3, preserve_range, anti-aliasing,
/// mode 'reflect'), .astype(uint8), min–max to [0, 1], no mean/std.
/// </summary>
public static class SamPreprocessor
{
    public static SamInput Prepare(Volume rgb, SamConfig config)
    {
        RequireRgb8(rgb);
        return config.Preprocessing == "medsam" ? MedSam(rgb, config) : Sam(rgb, config);
    }

    private static SamInput Sam(Volume rgb, SamConfig c)
    {
        int s = c.ImageSize;
        var resized = new ResizeLongestSide(s).ApplyImage(rgb);                    // uint8 [h', w', 3]
        int h = resized.Height, w = resized.Width;
        var px = resized.GetData<byte>();
        var data = new float[3 * s * s];                                            // zero = padding
        for (int ch = 0; ch < 3; ch++)
        {
            float mean = c.PixelMean[ch], std = c.PixelStd[ch];
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                data[(ch * s + y) * s + x] = (px[(y * w + x) * 3 + ch] - mean) / std;
        }
        return new SamInput(Tensor.Wrap(data, 1, 3, s, s), rgb.Height, rgb.Width, h, w);
    }

    private static SamInput MedSam(Volume rgb, SamConfig c)
    {
        int s = c.ImageSize;
        var resized = SkimageResize.Resize(rgb.GetData<byte>(), rgb.Height, rgb.Width, 3, s, s, SkimageResizeOptions.MedSam);
        var scaled = IntensityOps.MinMaxScaleToSingle(IntensityOps.AsUInt8(resized));   // [S, S, 3] in [0, 1]
        var data = new float[3 * s * s];
        for (int i = 0; i < s * s; i++)
        for (int ch = 0; ch < 3; ch++)
            data[ch * s * s + i] = scaled[i * 3 + ch];                               // HWC → CHW
        return new SamInput(Tensor.Wrap(data, 1, 3, s, s), rgb.Height, rgb.Width, s, s);
    }

    /// <summary>A 2-D uint8 image with 3 components; convert medical images first (<see cref="SamImage"/>).</summary>
    private static void RequireRgb8(Volume v)
    {
        if (v.VoxelType != VoxelType.UInt8 || v.Components != 3 || v.Depth != 1 || v.Frames != 1)
            throw new SamInputException($"SAM needs a 2-D 8-bit RGB image, got {v.Width}x{v.Height}x{v.Depth} with {v.Components} component(s) of {v.VoxelType}");
    }
}

/// <summary>An image or prompt SAM cannot take (wrong dimensions, a box outside the image, ...).</summary>
public sealed class SamInputException : Exception
{
    public SamInputException(string message) : base(message) { }
}
