using MedFM.Models.Checkpoints;
using MedFM.Models.Loading;
using MedFM.NN;

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
        var found = CheckpointFile.Load(checkpointPath);
        using var mapping = found.StateDict;                                      // releases the file once copied
        var model = new SamModel(config);
        try
        {
            report = found.StateDict.LoadInto(model, key => key.StartsWith("module.", StringComparison.Ordinal) ? key["module.".Length..] : key, strict);
        }
        catch (StateDictException e)
        {
            throw new StateDictException($"SAM ({config.EncoderEmbedDim}-wide, {config.EncoderDepth} blocks) from {Path.GetFileName(checkpointPath)}", e.Report);
        }
        model.Eval();
        return model;
    }
}
