using MedFM.Models.Checkpoints;
using MedFM.Models.Loading;
using MedFM.NN;
using MedFM.Tensors;

namespace MedFM.Models.Vit;

/// <summary>What loading a ViT checkpoint did: the adapter's key plan and the state-dict load.</summary>
public sealed record VitLoadResult(VisionTransformer Model, VitKeyPlan Plan, LoadReport Report, string StatePath);

/// <summary>
/// Builds a preset's VisionTransformer and fills it from a checkpoint (safetensors or PyTorch .pth/.bin read through the
/// allow-list unpickler; nested layouts such as {"model": ...} are found), strictly by default. Key changes happen
/// only in <see cref="VitCheckpointAdapter"/>.
/// </summary>
public static class VitLoader
{
    public static VisionTransformer Load(VitPreset preset, string checkpointPath, bool strict = true) =>
        LoadWithReport(preset, checkpointPath, strict).Model;

    public static VitLoadResult LoadWithReport(VitPreset preset, string checkpointPath, bool strict = true, string? statePath = null)
    {
        var found = CheckpointFile.Load(checkpointPath, statePath);
        using var sd = found.StateDict;
        VisionTransformer model;
        using (strict ? Tensor.SkipInitScope() : null) model = new VisionTransformer(preset.Config); // a strict load overwrites every parameter
        var (plan, report) = LoadInto(model, preset, sd, strict, Path.GetFileName(checkpointPath));
        model.Eval();
        return new VitLoadResult(model, plan, report, found.Path);
    }

    /// <summary>Adapts <paramref name="state"/> with the preset's layout and loads it into <paramref name="model"/>.</summary>
    public static (VitKeyPlan Plan, LoadReport Report) LoadInto(VisionTransformer model, VitPreset preset, IReadOnlyDictionary<string, CheckpointTensor> state,
        bool strict = true, string source = "<memory>")
    {
        var plan = VitCheckpointAdapter.Plan(preset.Layout, state.Keys, model.Config);
        // Shapes up front, values converted one entry at a time as they are copied: the float32 copy of the whole
        // checkpoint is never held next to the model.
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (from, to) in plan.Map)
        {
            sources[to] = from;
            shapes[to] = state[from].Shape;
        }
        var own = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var key in plan.Initialised)
            if (own.TryGetValue(key, out var target))
            {
                sources.Remove(key);
                shapes[key] = target.ShapeArray();
            }
        void CopyInto(string key, Tensor target)
        {
            if (!sources.TryGetValue(key, out var from))
                target.CopyFrom(key.EndsWith(".weight", StringComparison.Ordinal) ? Tensor.Ones(shapes[key]) : Tensor.Zeros(shapes[key]));
            else
                state[from].CopyInto(target);   // straight from the file into the parameter
        }
        try
        {
            return (plan, model.LoadStateDictInto(shapes, CopyInto, strict));
        }
        catch (StateDictException e)
        {
            throw new StateDictException($"{preset.Name} ({preset.Config.EmbedDim}-wide, {preset.Config.Depth} blocks) from {source}", e.Report);
        }
    }
}
