using MedFM.Models.Checkpoints;
using MedFM.Models.Loading;
using MedFM.NN;
using MedFM.Tensors;

namespace MedFM.Models.Clip;

/// <summary>
/// Loads image–text weights strictly: open_clip .bin/.pt/.safetensors (state dict or a dict holding one) and
/// OpenAI CLIP state dicts. The only key changes are open_clip's own load_checkpoint adaptations
/// (mlfoundations/open_clip, src/open_clip/factory.py, load_checkpoint; model.py convert_to_custom_text_state_dict):
/// a DataParallel "module." prefix removed; OpenAI's bookkeeping integers (input_resolution, context_length,
/// vocab_size) dropped; flat CLIP text keys moved under "text." for a custom-text model; a logit_scale of shape [1]
/// reshaped to the model's; text.transformer.embeddings.position_ids (a buffer older transformers saved) dropped.
/// Anything else missing, unexpected or mis-shaped fails by name.
/// </summary>
public static class ClipLoader
{
    private static readonly string[] OpenAiBookkeeping = ["input_resolution", "context_length", "vocab_size"];
    private static readonly string[] FlatTextPrefixes = ["token_embedding.", "positional_embedding", "transformer.", "ln_final.", "text_projection"];

    public static ClipModel Load(ClipConfig config, string checkpointPath) => Load(config, checkpointPath, out _);

    public static ClipModel Load(ClipConfig config, string checkpointPath, out LoadReport report)
    {
        using var stateDict = CheckpointFile.LoadStateDict(checkpointPath);
        // Keys adapted up front; each entry is converted straight into its parameter as it is loaded.
        bool flatText = FlatText(stateDict.Keys);
        var entries = new Dictionary<string, CheckpointTensor>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (raw, value) in stateDict)
        {
            var key = AdaptedKey(raw, value.Rank, value.ElementCount, flatText, config, out bool scalar);
            if (key is null) continue;
            entries[key] = value;
            shapes[key] = scalar ? [] : value.Shape;
        }
        ClipModel model;
        using (Tensor.SkipInitScope()) model = new ClipModel(config); // the strict load overwrites every parameter
        try
        {
            report = model.LoadStateDictInto(shapes, (key, target) => entries[key].CopyInto(target), strict: true);
        }
        catch (StateDictException e)
        {
            throw new StateDictException($"{config.Name} from {Path.GetFileName(checkpointPath)}", e.Report);
        }
        model.Eval();
        return model;
    }

    /// <summary>open_clip's load-time key adaptations (see the class summary).</summary>
    public static Dictionary<string, Tensor> Adapt(IReadOnlyDictionary<string, Tensor> state, ClipConfig config)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        bool flatText = FlatText(state.Keys);
        foreach (var (raw, value) in state)
        {
            var key = AdaptedKey(raw, value.Rank, value.Numel, flatText, config, out bool scalar);
            if (key is not null) result[key] = scalar ? value.Reshape() : value;
        }
        return result;
    }

    private static bool FlatText(IEnumerable<string> keys) => keys.Any(k => k is "positional_embedding" or "module.positional_embedding");

    /// <summary>The model key an entry loads into, or null for entries open_clip drops; scalar: a one-element logit_scale becomes a scalar.</summary>
    private static string? AdaptedKey(string raw, int rank, long count, bool flatText, ClipConfig config, out bool scalar)
    {
        scalar = false;
        string key = raw.StartsWith("module.", StringComparison.Ordinal) ? raw["module.".Length..] : raw;
        if (OpenAiBookkeeping.Contains(key) && rank == 0) return null;
        if (key == "text.transformer.embeddings.position_ids") return null;
        if (config.UsesCustomTextKeys && flatText && !config.Text.IsHf && FlatTextPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
            key = "text." + key;
        scalar = key == "logit_scale" && count == 1 && rank != 0;
        return key;
    }
}
