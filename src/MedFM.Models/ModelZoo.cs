using System.Text.Json;
using MedFM.Models.Checkpoints;
using MedFM.Models.ResNet;
using MedFM.Models.Vit;
using MedFM.NN;
using MedFM.Tensors;
using ResNetModel = MedFM.Models.ResNet.ResNet;

namespace MedFM.Models;

/// <summary>An image encoder ready to embed preprocessed images.</summary>
public interface IImageEncoder
{
    string Name { get; }

    /// <summary>Width of one embedding.</summary>
    int EmbedDim { get; }

    /// <summary>The reference preprocessing of the model.</summary>
    VitPreprocessing Preprocessing { get; }

    /// <summary>Images [B, 3, H, W] (already preprocessed) → embeddings [B, EmbedDim].</summary>
    Tensor Embed(Tensor images);
}

/// <summary>An encoder and what loading its weights did ("random weights" when none were given).</summary>
public sealed record OpenedEncoder(IImageEncoder Encoder, string LoadSummary);

/// <summary>
/// The named zoo of image encoders: every ViT preset (<see cref="VitPresets"/>) and ResNet preset
/// (<see cref="ResNetPresets"/>), or a preset written as JSON (a serialized VitPreset or ResNetPreset, for
/// architectures outside the zoo). Also tells which presets a checkpoint fits, by keys and shapes alone.
/// </summary>
public static class ModelZoo
{
    public static IReadOnlyList<string> Names { get; } = VitPresets.All.Keys.Concat(ResNetPresets.All.Keys).ToList();

    /// <summary>
    /// Builds the encoder <paramref name="model"/> names (a preset name or a preset .json file) and loads
    /// <paramref name="checkpoint"/> strictly through the preset's adapter; without a checkpoint the weights are the
    /// layers' seeded initialisation.
    /// </summary>
    public static OpenedEncoder Open(string model, string? checkpoint, bool strict = true)
    {
        var preset = Resolve(model);
        if (preset is VitPreset vit)
        {
            if (checkpoint is null) return new(new VitEncoder(vit.Name, (VisionTransformer)new VisionTransformer(vit.Config).Eval(), vit.Preprocessing), "random weights");
            var r = VitLoader.LoadWithReport(vit, checkpoint, strict);
            return new(new VitEncoder(vit.Name, r.Model, vit.Preprocessing), $"{r.Report}; adapter: {r.Plan}");
        }
        var res = (ResNetPreset)preset;
        if (checkpoint is null) return new(new ResNetEncoder(res.Name, (ResNetModel)new ResNetModel(res.Config).Eval(), res.Preprocessing), "random weights");
        var rr = ResNetLoader.LoadWithReport(res, checkpoint, strict);
        return new(new ResNetEncoder(res.Name, rr.Model, res.Preprocessing),
            $"{rr.Report}{(rr.Prefix.Length > 0 ? $"; prefix '{rr.Prefix}'" : "")}{(rr.Dropped.Count > 0 ? $"; {rr.Dropped.Count} dropped" : "")}");
    }

    /// <summary>A VitPreset or ResNetPreset by name, or read from a JSON file.</summary>
    public static object Resolve(string model)
    {
        if (VitPresets.All.TryGetValue(model, out var v)) return v;
        if (ResNetPresets.All.TryGetValue(model, out var r)) return r;
        if (!model.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || !File.Exists(model))
            throw new ModelConfigException($"unknown model '{model}'; known: {string.Join(", ", Names)} (or a preset .json file)");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(model));
            bool isResNet = doc.RootElement.TryGetProperty("Config", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("Block", out _);
            object preset = isResNet ? doc.RootElement.Deserialize<ResNetPreset>()! : doc.RootElement.Deserialize<VitPreset>()!;
            if (preset is VitPreset vp) vp.Config.Validate();
            if (preset is ResNetPreset rp) rp.Config.Validate();
            return preset;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentNullException or InvalidOperationException)
        {
            throw new ModelConfigException($"{model}: not a valid preset file ({e.Message})");
        }
    }

    /// <summary>The presets whose model a state dict fits exactly (after each preset's adapter), by keys and shapes.</summary>
    public static IReadOnlyList<string> MatchingPresets(IReadOnlyDictionary<string, CheckpointTensor> state)
    {
        var matches = new List<string>();
        using var meta = Tensor.MetaScope();
        foreach (var p in VitPresets.All.Values)
        {
            VitKeyPlan plan;
            try { plan = VitCheckpointAdapter.Plan(p.Layout, state.Keys, p.Config); }
            catch (ModelConfigException) { continue; }
            var mapped = plan.Map.ToDictionary(kv => kv.Value, kv => state[kv.Key].Shape, StringComparer.Ordinal);
            if (Fits(new VisionTransformer(p.Config), mapped, plan.Initialised)) matches.Add(p.Name);
        }
        foreach (var p in ResNetPresets.All.Values)
        {
            var model = new ResNetModel(p.Config);
            string prefix = state.ContainsKey("conv1.weight") ? "" : state.Keys.FirstOrDefault(k => k.EndsWith("conv1.weight", StringComparison.Ordinal) && !k.Contains("layer"))?[..^"conv1.weight".Length] ?? "";
            var mapped = state.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value.Shape, StringComparer.Ordinal);
            if (Fits(model, mapped, [])) matches.Add(p.Name);
        }
        return matches;
    }

    private static bool Fits(Module model, Dictionary<string, int[]> mapped, IReadOnlyList<string> initialised)
    {
        var own = model.StateDict();
        if (own.Count != mapped.Count + initialised.Count) return false;
        foreach (var (key, t) in own)
        {
            if (initialised.Contains(key)) continue;
            if (!mapped.TryGetValue(key, out var shape) || !shape.SequenceEqual(t.ShapeArray())) return false;
        }
        return true;
    }

    private sealed class VitEncoder : IImageEncoder
    {
        private readonly string name;
        private readonly VisionTransformer model;
        private readonly VitPreprocessing preprocessing;

        /// <summary>
        /// An embedding encoder runs many batches: its linear weights are packed once and their unpacked arrays freed
        /// (see Module.PrepackForInference; anything that reads a weight later gets it rebuilt exactly).
        /// </summary>
        public VitEncoder(string name, VisionTransformer model, VitPreprocessing preprocessing)
        {
            this.name = name;
            this.model = model;
            this.preprocessing = preprocessing;
            model.PrepackForInference(releaseWeights: true);
        }

        public string Name => name;
        public int EmbedDim => model.NumFeatures;
        public VitPreprocessing Preprocessing => preprocessing;
        public Tensor Embed(Tensor images) => model.Embed(images);
    }

    private sealed class ResNetEncoder(string name, ResNetModel model, VitPreprocessing preprocessing) : IImageEncoder
    {
        public string Name => name;
        public int EmbedDim => model.NumFeatures;
        public VitPreprocessing Preprocessing => preprocessing;
        public Tensor Embed(Tensor images) => model.Embed(images);
    }
}
