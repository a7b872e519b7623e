using System.Globalization;

namespace MedFM.Imaging.Transforms;

/// <summary>
/// A small immutable composition of the torchvision eval transforms (reference: torchvision 0.14
/// <c>transforms.Compose([Resize, CenterCrop, ToTensor, Normalize])</c>, as built by timm's
/// <c>transforms_imagenet_eval</c> and by model repositories). Image steps run on an 8-bit L/RGB
/// <see cref="Volume"/> in order; <see cref="Run"/> then applies <c>ToTensor</c> and the normalisations and returns a
/// float32 CHW <see cref="ImageTensor"/> bit-identical to torchvision's on the same PIL image.
/// <code>
/// var uni = ImagePipeline.Create().Resize(224).Normalize(ImagePipeline.ImageNetMean, ImagePipeline.ImageNetStd);
/// ImageTensor x = uni.Run(rgb);
/// </code>
/// </summary>
public sealed class ImagePipeline
{
    /// <summary>timm IMAGENET_DEFAULT_MEAN / _STD.</summary>
    public static readonly double[] ImageNetMean = [0.485, 0.456, 0.406];
    public static readonly double[] ImageNetStd = [0.229, 0.224, 0.225];

    /// <summary>timm IMAGENET_INCEPTION_MEAN / _STD (0.5), e.g. vit_base_patch16_224.augreg.</summary>
    public static readonly double[] InceptionMean = [0.5, 0.5, 0.5];
    public static readonly double[] InceptionStd = [0.5, 0.5, 0.5];

    /// <summary>timm DEFAULT_CROP_PCT.</summary>
    public const double DefaultCropPct = 0.875;

    private readonly IReadOnlyList<Step> _steps;

    private ImagePipeline(IReadOnlyList<Step> steps) => _steps = steps;

    public static ImagePipeline Create() => new([]);

    /// <summary>
    /// timm's <c>create_transform(input_size, interpolation, mean, std, crop_pct, crop_mode='center')</c> for eval
    /// (data/transforms_factory.py transforms_imagenet_eval): Resize(floor(img_size / crop_pct)) on the shorter
    /// side, CenterCrop(img_size), ToTensor, Normalize(mean, std).
    /// </summary>
    public static ImagePipeline TimmEval(int imgSize, double cropPct, PilFilter interpolation, double[] mean, double[] std)
    {
        if (imgSize < 1 || !(cropPct > 0)) throw new ImageTransformException("ImagePipeline.TimmEval", $"img_size {imgSize} and crop_pct {cropPct} must be positive");
        int scaleSize = (int)Math.Floor(imgSize / cropPct);
        return Create().Resize(scaleSize, interpolation).CenterCrop(imgSize).Normalize(mean, std);
    }

    /// <summary>PIL <c>convert("RGB")</c> of an "L" image (grey replicated into three channels); RGB passes through.</summary>
    public ImagePipeline ToRgb() => Image("ToRGB()", GreyToRgb);

    /// <summary>transforms.Resize(size): shorter side to <paramref name="size"/>.</summary>
    public ImagePipeline Resize(int size, PilFilter interpolation = PilFilter.Bilinear, int? maxSize = null) =>
        Image($"Resize(size={size}, interpolation={Name(interpolation)}, max_size={(maxSize?.ToString(CultureInfo.InvariantCulture) ?? "None")})",
            v => TorchvisionTransforms.Resize(v, size, interpolation, maxSize));

    /// <summary>transforms.Resize((height, width)).</summary>
    public ImagePipeline Resize(int height, int width, PilFilter interpolation = PilFilter.Bilinear) =>
        Image($"Resize(size=({height}, {width}), interpolation={Name(interpolation)})",
            v => TorchvisionTransforms.Resize(v, height, width, interpolation));

    /// <summary>transforms.CenterCrop(size).</summary>
    public ImagePipeline CenterCrop(int size) => CenterCrop(size, size);

    /// <summary>transforms.CenterCrop((height, width)).</summary>
    public ImagePipeline CenterCrop(int height, int width) =>
        Image($"CenterCrop(size=({height}, {width}))", v => TorchvisionTransforms.CenterCrop(v, height, width));

    /// <summary>transforms.Normalize(mean, std), applied after the implicit ToTensor.</summary>
    public ImagePipeline Normalize(double[] mean, double[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        double[] m = (double[])mean.Clone(), s = (double[])std.Clone();
        var steps = new List<Step>(_steps) { new($"Normalize(mean={List(m)}, std={List(s)})", null, t => TorchvisionTransforms.Normalize(t, m, s)) };
        return new ImagePipeline(steps);
    }

    /// <summary>Runs the image steps, then ToTensor, then the tensor steps.</summary>
    public ImageTensor Run(Volume image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var v = image;
        foreach (var step in _steps)
            if (step.OnImage is not null) v = step.OnImage(v);
        var tensor = TorchvisionTransforms.ToTensor(v);
        foreach (var step in _steps)
            step.OnTensor?.Invoke(tensor);
        return tensor;
    }

    /// <summary>The steps as torchvision prints a Compose.</summary>
    public override string ToString()
    {
        var lines = new List<string> { "Compose(" };
        bool tensorShown = false;
        foreach (var step in _steps)
        {
            if (step.OnTensor is not null && !tensorShown) { lines.Add("    ToTensor()"); tensorShown = true; }
            lines.Add("    " + step.Description);
        }
        if (!tensorShown) lines.Add("    ToTensor()");
        lines.Add(")");
        return string.Join('\n', lines);
    }

    private ImagePipeline Image(string description, Func<Volume, Volume> apply)
    {
        if (_steps.Any(s => s.OnTensor is not null))
            throw new ImageTransformException("ImagePipeline", $"{description} is an image step and cannot follow Normalize");
        return new ImagePipeline(new List<Step>(_steps) { new(description, apply, null) });
    }

    private static Volume GreyToRgb(Volume v)
    {
        TorchvisionTransforms.RequireImage(v, "ImagePipeline.ToRgb");
        if (v.Components == 3) return v;
        var grey = v.GetData<byte>();
        var rgb = new byte[grey.Length * 3];
        for (int i = 0; i < grey.Length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = grey[i];
        return v.WithData(new VolumeShape(v.Width, v.Height, 1, 3), rgb, v.Geometry);
    }

    private static string Name(PilFilter f) => f.ToString().ToLowerInvariant();

    private static string List(double[] values) => "(" + string.Join(", ", values.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + ")";

    private sealed record Step(string Description, Func<Volume, Volume>? OnImage, Action<ImageTensor>? OnTensor);
}
