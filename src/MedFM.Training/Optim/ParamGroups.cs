using System.Globalization;
using MedFM.NN;
using MedFM.Tensors;

namespace MedFM.Training.Optim;

/// <summary>
/// Builders of parameter groups for fine-tuning recipes. Weight decay is skipped (timm's rule) for parameters with
/// ndim ≤ 1 (biases, norm weights), names ending in ".bias", and names in the model's no-decay list (position
/// embeddings, cls/register tokens). Frozen parameters (requires_grad = false) are left out.
/// References: huggingface/pytorch-image-models timm/optim/optim_factory.py (param_groups_weight_decay) and
/// facebookresearch/mae util/lr_decay.py (param_groups_lrd, get_layer_id_for_vit), after BEiT.
/// </summary>
public static class ParamGroups
{
    /// <summary>The no-decay names of timm/MAE vision transformers (their no_weight_decay()).</summary>
    public static readonly IReadOnlyList<string> VitNoWeightDecay = new[] { "pos_embed", "cls_token", "dist_token", "reg_token" };

    /// <summary>The parameter-name prefixes MAE assigns to layer 0 (the stem).</summary>
    public static readonly IReadOnlyList<string> VitStem = new[] { "cls_token", "pos_embed", "patch_embed" };

    /// <summary>Whether a parameter is exempt from weight decay under timm's rule.</summary>
    public static bool IsNoDecay(string name, Tensor p, IEnumerable<string>? noWeightDecay = null) =>
        p.Rank <= 1 || name.EndsWith(".bias", StringComparison.Ordinal) || (noWeightDecay?.Contains(name) ?? false);

    /// <summary>timm's param_groups_weight_decay: [no_decay (wd 0), decay (wd)].</summary>
    public static List<ParamGroup> WeightDecay(Module model, double weightDecay, IEnumerable<string>? noWeightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var skip = noWeightDecay?.ToHashSet() ?? new HashSet<string>();
        var decay = new List<(string, Tensor)>();
        var noDecay = new List<(string, Tensor)>();
        foreach (var (name, p) in model.TrainableNamedParameters())
            (IsNoDecay(name, p, skip) ? noDecay : decay).Add((name, p));
        return new List<ParamGroup>
        {
            new(noDecay, "no_decay") { WeightDecay = 0 },
            new(decay, "decay") { WeightDecay = weightDecay },
        };
    }

    /// <summary>
    /// MAE/BEiT layer-wise lr decay: layer id 0 for the stem, N + 1 for "{blocksPrefix}.N.", numBlocks + 1 for the rest
    /// (norm, head); LrScale = layerDecay^(numBlocks + 1 − id). Groups are named "layer_{id}_decay"/"layer_{id}_no_decay"
    /// and ordered by first appearance, as MAE's param_groups_lrd. numBlocks defaults to the block indices found.
    /// </summary>
    public static List<ParamGroup> LayerDecay(Module model, double weightDecay, double layerDecay, IEnumerable<string>? noWeightDecay = null,
        int? numBlocks = null, string blocksPrefix = "blocks", IEnumerable<string>? stemPrefixes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var skip = noWeightDecay?.ToHashSet() ?? new HashSet<string>();
        var stem = (stemPrefixes ?? VitStem).ToArray();
        var named = model.TrainableNamedParameters().ToList();
        int blocks = numBlocks ?? named.Select(n => BlockIndex(n.Name, blocksPrefix)).DefaultIfEmpty(-1).Max() + 1;
        int numLayers = blocks + 1;
        var order = new List<string>();
        var members = new Dictionary<string, (int Layer, bool Decay, List<(string, Tensor)> Params)>();
        foreach (var (name, p) in named)
        {
            bool decay = !IsNoDecay(name, p, skip);
            int layer = LayerId(name, numLayers, blocksPrefix, stem);
            if (layer > numLayers)
                throw new ArgumentException($"parameter '{name}' is in block {layer - 1}, beyond the {blocks} blocks given");
            string key = $"layer_{layer.ToString(CultureInfo.InvariantCulture)}_{(decay ? "decay" : "no_decay")}";
            if (!members.TryGetValue(key, out var m))
            {
                members[key] = m = (layer, decay, new List<(string, Tensor)>());
                order.Add(key);
            }
            m.Params.Add((name, p));
        }
        var result = new List<ParamGroup>();
        foreach (var key in order)
        {
            var (layer, decay, ps) = members[key];
            result.Add(new ParamGroup(ps, key) { WeightDecay = decay ? weightDecay : 0, LrScale = Math.Pow(layerDecay, numLayers - layer) });
        }
        return result;
    }

    /// <summary>MAE's get_layer_id_for_vit with a configurable blocks prefix and stem.</summary>
    public static int LayerId(string name, int numLayers, string blocksPrefix = "blocks", IReadOnlyList<string>? stemPrefixes = null)
    {
        foreach (var s in stemPrefixes ?? VitStem)
            if (name == s || name.StartsWith(s + ".", StringComparison.Ordinal)) return 0;
        int b = BlockIndex(name, blocksPrefix);
        return b >= 0 ? b + 1 : numLayers;
    }

    private static int BlockIndex(string name, string blocksPrefix)
    {
        if (!name.StartsWith(blocksPrefix + ".", StringComparison.Ordinal)) return -1;
        var rest = name[(blocksPrefix.Length + 1)..];
        int dot = rest.IndexOf('.');
        var seg = dot < 0 ? rest : rest[..dot];
        return int.TryParse(seg, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : -1;
    }
}
