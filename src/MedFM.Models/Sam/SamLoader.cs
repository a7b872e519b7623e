using MedFM.Models.Checkpoints;
using MedFM.Models.Loading;
using MedFM.NN;
using MedFM.Tensors;

namespace MedFM.Models.Sam;

/// <summary>
/// Loads SAM-family weights: official sam_vit_*.pth and medsam_vit_b.pth (PyTorch files read through the allow-list
/// unpickler) or safetensors, strictly. The only renaming is the "module." prefix DataParallel training adds.
/// </summary>
public static class SamLoader
{
    public static SamModel Load(SamConfig config, string checkpointPath, bool strict = true) => Load(config, checkpointPath, strict, out _);

    public static SamModel Load(SamConfig config, string checkpointPath, bool strict, out LoadReport report)
    {
        using var state = CheckpointFile.Load(checkpointPath).StateDict;        // releases the file once copied
        return Load(config, state, Path.GetFileName(checkpointPath), strict, out report);
    }

    /// <summary>Loads from an opened state dict (the caller owns it); <paramref name="source"/> names it in errors.</summary>
    public static SamModel Load(SamConfig config, IReadOnlyDictionary<string, CheckpointTensor> state, string source, bool strict, out LoadReport report)
    {
        SamModel model;
        using (strict ? Tensor.SkipInitScope() : null) model = new SamModel(config); // a strict load overwrites every parameter
        try
        {
            report = state.LoadInto(model, key => key.StartsWith("module.", StringComparison.Ordinal) ? key["module.".Length..] : key, strict);
        }
        catch (StateDictException e)
        {
            throw new StateDictException($"SAM ({config.EncoderEmbedDim}-wide, {config.EncoderDepth} blocks) from {source}", e.Report);
        }
        model.Eval();
        return model;
    }
}
