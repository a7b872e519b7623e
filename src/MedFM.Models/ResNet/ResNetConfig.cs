using System.Text.Json.Serialization;
using MedFM.Imaging.Transforms;
using MedFM.Models.Vit;

namespace MedFM.Models.ResNet;

/// <summary>
/// A torchvision ResNet's architecture (pytorch/vision, torchvision/models/resnet.py, ResNet.__init__ and resnet18 /
/// resnet50): the block type, blocks per stage, and the channel widths, which torchvision fixes at a 64-channel stem
/// and stage widths 64/128/256/512 (expanded ×4 by bottlenecks). Narrower widths keep every key and the structure;
/// they exist for small test models.
/// </summary>
public sealed record ResNetConfig
{
    /// <summary>"basic" (BasicBlock, expansion 1) or "bottleneck" (Bottleneck, expansion 4, stride on the 3×3 conv).</summary>
    public string Block { get; init; } = "basic";

    public IReadOnlyList<int> Layers { get; init; } = [2, 2, 2, 2];

    public int StemWidth { get; init; } = 64;

    /// <summary>Planes of layer1..layer4 (output channels = planes × expansion).</summary>
    public IReadOnlyList<int> Widths { get; init; } = [64, 128, 256, 512];

    public int InChans { get; init; } = 3;

    /// <summary>Classes of the fc head; 0 = no head (pooled features).</summary>
    public int NumClasses { get; init; } = 1000;

    [JsonIgnore]
    public int Expansion => Block == "bottleneck" ? 4 : 1;

    /// <summary>Width of the pooled features.</summary>
    [JsonIgnore]
    public int NumFeatures => Widths[^1] * Expansion;

    public void Validate()
    {
        if (Block is not ("basic" or "bottleneck"))
            throw new ModelConfigException($"ResNet: block must be 'basic' or 'bottleneck', got '{Block}'");
        if (Layers.Count != 4 || Widths.Count != 4 || Layers.Any(n => n < 1) || Widths.Any(w => w < 1) || StemWidth < 1 || InChans < 1)
            throw new ModelConfigException("ResNet: four stages with at least one block each and positive widths are required");
    }
}

/// <summary>A named ResNet with its reference preprocessing.</summary>
public sealed record ResNetPreset(string Name, ResNetConfig Config, VitPreprocessing Preprocessing, string Reference);

/// <summary>torchvision's resnet18 and resnet50 (ImageNet IMAGENET1K_V1 transforms: Resize(256, bilinear), CenterCrop(224)).</summary>
public static class ResNetPresets
{
    private static readonly VitPreprocessing TorchvisionEval = new()
    {
        InputSize = 224, ResizeSize = 256, Interpolation = "bilinear", Mean = ImagePipeline.ImageNetMean, Std = ImagePipeline.ImageNetStd,
    };

    public static ResNetPreset ResNet18 { get; } = new("resnet18", new ResNetConfig(), TorchvisionEval, "torchvision models/resnet.py resnet18");

    public static ResNetPreset ResNet50 { get; } = new("resnet50", new ResNetConfig { Block = "bottleneck", Layers = [3, 4, 6, 3] },
        TorchvisionEval, "torchvision models/resnet.py resnet50");

    public static IReadOnlyDictionary<string, ResNetPreset> All { get; } =
        new[] { ResNet18, ResNet50 }.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public static ResNetPreset Get(string name) =>
        All.TryGetValue(name, out var p) ? p
        : throw new ModelConfigException($"unknown ResNet preset '{name}'; known: {string.Join(", ", All.Keys)}");
}
