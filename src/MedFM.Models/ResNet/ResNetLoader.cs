using MedFM.Models.Checkpoints;
using MedFM.Models.Loading;
using MedFM.NN;
using MedFM.Tensors;

namespace MedFM.Models.ResNet;

/// <summary>What loading a ResNet checkpoint did.</summary>
/// <param name="Prefix">The wrapper prefix the weights sat under ("module.", "module.encoder_q.", "backbone.", ...), or "".</param>
/// <param name="Dropped">Checkpoint keys left out, each with the reason.</param>
public sealed record ResNetLoadResult(ResNet Model, string Prefix, IReadOnlyList<string> Dropped, LoadReport Report);

/// <summary>
/// Loads torchvision-keyed ResNet weights strictly. The one adapter for this family: the tensors under the wrapper
/// prefix that holds conv1/layer1 (DataParallel "module.", MoCo's "module.encoder_q.", "backbone.", ...) are taken
/// and the rest (a momentum encoder, a queue) is left out; an encoder preset without a head leaves out the
/// checkpoint's fc (MoCo's projection MLP or a classifier). Everything else must match by name and shape.
/// </summary>
public static class ResNetLoader
{
    private static readonly string[] Prefixes = ["module.encoder_q.", "encoder_q.", "module.", "backbone.", "model.", "encoder."];

    public static ResNet Load(ResNetPreset preset, string checkpointPath, bool strict = true) => LoadWithReport(preset, checkpointPath, strict).Model;

    public static ResNetLoadResult LoadWithReport(ResNetPreset preset, string checkpointPath, bool strict = true)
    {
        using var sd = CheckpointFile.LoadStateDict(checkpointPath);
        ResNet model;
        using (strict ? Tensor.SkipInitScope() : null) model = new ResNet(preset.Config); // a strict load overwrites every parameter
        var result = LoadInto(model, preset.Name, sd, strict, Path.GetFileName(checkpointPath));
        model.Eval();
        return result;
    }

    public static ResNetLoadResult LoadInto(ResNet model, string name, IReadOnlyDictionary<string, CheckpointTensor> state, bool strict = true, string source = "<memory>")
    {
        string prefix = state.ContainsKey("conv1.weight") ? "" : Prefixes.FirstOrDefault(p => state.ContainsKey(p + "conv1.weight")) ?? "";
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var dropped = new List<string>();
        foreach (var (key, value) in state)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) { dropped.Add($"{key} (outside '{prefix}')"); continue; }
            var k = key[prefix.Length..];
            if (model.Config.NumClasses == 0 && k.StartsWith("fc.", StringComparison.Ordinal)) { dropped.Add($"{key} (head; the encoder preset has none)"); continue; }
            tensors[k] = value.ToTensor();
        }
        try
        {
            return new ResNetLoadResult(model, prefix, dropped, model.LoadStateDict(tensors, strict));
        }
        catch (StateDictException e)
        {
            throw new StateDictException($"{name} ({model.Config.Block} blocks {string.Join("-", model.Config.Layers)}) from {source}", e.Report);
        }
    }
}
