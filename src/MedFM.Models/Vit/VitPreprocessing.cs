using System.Text.Json.Serialization;
using MedFM.Imaging.Transforms;

namespace MedFM.Models.Vit;

/// <summary>
/// A preset's reference image preprocessing as data: the eval transform its authors use, i.e. torchvision's
/// <c>Resize(ResizeSize, interpolation)</c> on the shorter side, optionally <c>CenterCrop(InputSize)</c>, <c>ToTensor</c>
/// and <c>Normalize(Mean, Std)</c> (timm data/transforms_factory.py transforms_imagenet_eval; facebookresearch/mae
/// util/datasets.py build_transform; mahmoodlab/UNI README). Grey images are replicated to RGB first, as
/// PIL's <c>convert("RGB")</c> in every reference data loader.
/// </summary>
public sealed record VitPreprocessing
{
    /// <summary>Side of the square crop the model sees (without a crop: the shorter side after resizing).</summary>
    public int InputSize { get; init; } = 224;

    /// <summary>Target of the shorter side in the resize step.</summary>
    public int ResizeSize { get; init; } = 248;

    /// <summary>Whether a centre crop to InputSize × InputSize follows the resize.</summary>
    public bool CenterCrop { get; init; } = true;

    /// <summary>PIL filter name: "bicubic", "bilinear", "nearest", "lanczos", "box", "hamming".</summary>
    public string Interpolation { get; init; } = "bicubic";

    public IReadOnlyList<double> Mean { get; init; } = ImagePipeline.InceptionMean;

    public IReadOnlyList<double> Std { get; init; } = ImagePipeline.InceptionStd;

    /// <summary>timm's eval transform: resize the shorter side to floor(input_size / crop_pct), centre-crop input_size.</summary>
    public static VitPreprocessing TimmEval(int inputSize, double cropPct, string interpolation, double[] mean, double[] std)
    {
        if (inputSize < 1 || !(cropPct > 0))
            throw new ModelConfigException($"preprocessing: input size {inputSize} and crop_pct {cropPct} must be positive");
        return new() { InputSize = inputSize, ResizeSize = (int)Math.Floor(inputSize / cropPct), Interpolation = interpolation, Mean = mean, Std = std };
    }

    /// <summary>timm's crop_pct (input size / resize size) of this transform.</summary>
    [JsonIgnore]
    public double CropPct => (double)InputSize / ResizeSize;

    /// <summary>The transform as a runnable pipeline (grey → RGB, resize, crop, to tensor, normalise).</summary>
    public ImagePipeline ToPipeline()
    {
        var p = ImagePipeline.Create().ToRgb().Resize(ResizeSize, Filter());
        if (CenterCrop) p = p.CenterCrop(InputSize);
        return p.Normalize(Mean.ToArray(), Std.ToArray());
    }

    /// <summary>The torchvision steps only (without the RGB conversion done by the image loader), as Compose prints them.</summary>
    public string Describe()
    {
        var p = ImagePipeline.Create().Resize(ResizeSize, Filter());
        if (CenterCrop) p = p.CenterCrop(InputSize);
        return p.Normalize(Mean.ToArray(), Std.ToArray()).ToString();
    }

    private PilFilter Filter() => Interpolation switch
    {
        "bicubic" => PilFilter.Bicubic,
        "bilinear" => PilFilter.Bilinear,
        "nearest" => PilFilter.Nearest,
        "lanczos" => PilFilter.Lanczos,
        "box" => PilFilter.Box,
        "hamming" => PilFilter.Hamming,
        _ => throw new ModelConfigException($"preprocessing: unknown interpolation '{Interpolation}' (bicubic, bilinear, nearest, lanczos, box, hamming)"),
    };
}
