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
        Dictionary<string, Tensor> state;
        using (var stateDict = CheckpointFile.LoadStateDict(checkpointPath))
            state = Adapt(stateDict.ToTensors(), config);
        var model = new ClipModel(config);
        try
        {
            report = model.LoadStateDict(state, strict: true);
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
        bool flatText = state.ContainsKey("positional_embedding") || state.ContainsKey("module.positional_embedding");
        foreach (var (raw, value) in state)
        {
            string key = raw.StartsWith("module.", StringComparison.Ordinal) ? raw["module.".Length..] : raw;
            if (OpenAiBookkeeping.Contains(key) && value.Rank == 0) continue;
            if (key == "text.transformer.embeddings.position_ids") continue;
            if (config.UsesCustomTextKeys && flatText && !config.Text.IsHf && FlatTextPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
                key = "text." + key;
            var tensor = value;
            if (key == "logit_scale" && value.Numel == 1 && value.Rank != 0) tensor = value.Reshape();
            result[key] = tensor;
        }
        return result;
    }
}
