using MedFM.Imaging;
using MedFM.Imaging.Transforms;
using MedFM.Tensors;

namespace MedFM.Models.Clip;

/// <summary>
/// open_clip's eval image transform (mlfoundations/open_clip, src/open_clip/transform.py, image_transform with
/// is_train=False, resize_mode 'shortest'): Resize(image_size, bicubic) of the shorter side, CenterCrop(image_size),
/// RGB, ToTensor, Normalize(mean, std) — through the torchvision-faithful <see cref="ImagePipeline"/>.
/// </summary>
public static class ClipPreprocessor
{
    public static ImagePipeline Pipeline(ClipConfig config) =>
        ImagePipeline.Create().Resize(config.ImageSize, PilFilter.Bicubic).CenterCrop(config.ImageSize).ToRgb().Normalize(config.Mean, config.Std);

    /// <summary>8-bit L or RGB images → a batch [N, 3, S, S].</summary>
    public static Tensor Prepare(IReadOnlyList<Volume> images, ClipConfig config)
    {
        if (images.Count == 0) throw new ClipInputException("no images to prepare");
        var pipeline = Pipeline(config);
        int s = config.ImageSize, plane = 3 * s * s;
        var data = new float[images.Count * plane];
        for (int i = 0; i < images.Count; i++)
            pipeline.Run(images[i]).Data.AsSpan().CopyTo(data.AsSpan(i * plane, plane));
        return Tensor.Wrap(data, images.Count, 3, s, s);                                  // [N, 3, S, S]
    }
}
