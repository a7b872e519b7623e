using System.Text;
using System.Text.RegularExpressions;

namespace MedFM.Models.Vit;

/// <summary>How a checkpoint's keys become the model's: kept keys with their target names, dropped keys and keys the
/// reference code initialises itself because the file does not hold them.</summary>
/// <param name="Map">Checkpoint key → model key, for every key that is loaded.</param>
/// <param name="Dropped">Checkpoint keys left out, each with the reason.</param>
/// <param name="Initialised">Model keys set to their layer defaults (LayerNorm: ones and zeros) as the reference does.</param>
public sealed record VitKeyPlan(IReadOnlyDictionary<string, string> Map, IReadOnlyList<string> Dropped, IReadOnlyList<string> Initialised)
{
    public int Renamed => Map.Count(kv => kv.Key != kv.Value);

    public override string ToString()
    {
        var sb = new StringBuilder($"{Map.Count} keys kept ({Renamed} renamed)");
        if (Dropped.Count > 0) sb.Append($"; {Dropped.Count} dropped: ").Append(string.Join(", ", Dropped.Take(8))).Append(Dropped.Count > 8 ? ", ..." : "");
        if (Initialised.Count > 0) sb.Append("; initialised as the reference does: ").Append(string.Join(", ", Initialised));
        return sb.ToString();
    }
}

/// <summary>
/// The one place where ViT checkpoint keys are renamed or left out, one rule set per source
/// (<see cref="VitCheckpointLayout"/>). References: timm vision_transformer.py checkpoint_filter_fn and _convert_dinov2;
/// facebookresearch/mae main_finetune.py (decoder and mask token are not part of the encoder);
/// rmaphoh/RETFound_MAE main_finetune.py and latent_feature.ipynb (a pre-training file's "norm" is unused by the
/// global-pool encoder, whose fc_norm starts at LayerNorm defaults). Everything else must match strictly.
/// </summary>
public static partial class VitCheckpointAdapter
{
    public static VitKeyPlan Plan(VitCheckpointLayout layout, IEnumerable<string> checkpointKeys, VitConfig target)
    {
        var keys = checkpointKeys.ToList();
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var dropped = new List<string>();
        var initialised = new List<string>();
        bool allModule = keys.Count > 0 && keys.All(k => k.StartsWith("module.", StringComparison.Ordinal));
        var names = keys.Select(k => allModule ? k["module.".Length..] : k).ToList();
        // RETFound's two published kinds: the MAE pre-training release (decoder, mask token, final norm) and task
        // fine-tunes (fc_norm and a task head). Each rule applies only to its kind, so no other ViT passes as RETFound.
        var source = new Source(
            PreTraining: names.Any(n => n == "mask_token" || n.StartsWith("decoder_", StringComparison.Ordinal)),
            HasFcNorm: names.Contains("fc_norm.weight"));
        for (int i = 0; i < keys.Count; i++)
        {
            string key = keys[i], name = names[i];
            var reason = DropReason(layout, name, target, source);
            if (reason is not null) { dropped.Add($"{key} ({reason})"); continue; }
            if (layout == VitCheckpointLayout.DinoV2 && name is "register_tokens")
                throw new ModelConfigException("DINOv2 checkpoint with register tokens: use a preset with reg_tokens and no_embed_class");
            map[key] = layout == VitCheckpointLayout.DinoV2 ? DinoMlp().Replace(name, m => m.Groups[1].Value + (m.Groups[2].Value == "w12" ? "fc1" : "fc2")) : name;
        }
        if (layout == VitCheckpointLayout.RetFound && target.UseFcNorm && source.PreTraining && !source.HasFcNorm)
        {
            // RETFound's pre-training release holds the MAE encoder's final norm; the global-pool encoder has none and
            // its fc_norm is a fresh LayerNorm (loaded with strict=False in the reference).
            foreach (var k in map.Where(kv => kv.Value.StartsWith("norm.", StringComparison.Ordinal)).Select(kv => kv.Key).ToList())
            {
                map.Remove(k);
                dropped.Add($"{k} (replaced by a fresh fc_norm under global pooling)");
            }
            initialised.AddRange(["fc_norm.weight", "fc_norm.bias"]);
        }
        return new VitKeyPlan(map, dropped, initialised);
    }

    private readonly record struct Source(bool PreTraining, bool HasFcNorm);

    private static string? DropReason(VitCheckpointLayout layout, string name, VitConfig target, Source source)
    {
        switch (layout)
        {
            case VitCheckpointLayout.Mae or VitCheckpointLayout.RetFound:
                if (name.StartsWith("decoder_", StringComparison.Ordinal)) return "MAE decoder";
                if (name == "mask_token") return "MAE mask token";
                if (layout == VitCheckpointLayout.RetFound && source.HasFcNorm && target.NumClasses == 0 && name.StartsWith("head.", StringComparison.Ordinal))
                    return "task head of a RETFound fine-tune; the encoder preset has none";
                return null;
            case VitCheckpointLayout.DinoV2:
                return name == "mask_token" ? "DINOv2 mask token" : null;
            default:
                return null;
        }
    }

    [GeneratedRegex(@"^(blocks\.\d+\.mlp\.)(w12|w3)(?=\.(weight|bias)$)")]
    private static partial Regex DinoMlp();
}
