namespace MedFM.Models.Checkpoints;

/// <summary>Model families recognised by their state-dict key patterns.</summary>
public enum CheckpointFamily
{
    Unknown,
    /// <summary>Segment Anything / MedSAM (image_encoder., prompt_encoder., mask_decoder.).</summary>
    Sam,
    /// <summary>Masked autoencoder pre-training weights (decoder_embed + mask_token).</summary>
    Mae,
    /// <summary>DINOv2 ViT (LayerScale ls1.gamma with a mask_token).</summary>
    DinoV2,
    /// <summary>open_clip with a Hugging Face text tower, e.g. BiomedCLIP (text.transformer.embeddings).</summary>
    OpenClipHfText,
    /// <summary>OpenAI CLIP (visual.conv1 / visual.layer1 and transformer.resblocks).</summary>
    OpenAiClip,
    /// <summary>timm VisionTransformer (patch_embed.proj.weight + blocks.0.attn.qkv.weight).</summary>
    TimmVit,
    /// <summary>torchvision ResNet (conv1.weight + layer1.0.conv1.weight).</summary>
    TorchvisionResNet,
}

/// <summary>One tensor as listed by the inspector.</summary>
public sealed record CheckpointEntryInfo(string Key, int[] Shape, CheckpointDType DType, long ElementCount);

/// <summary>What a checkpoint holds: tensors, sizes and the detected family.</summary>
/// <param name="StatePath">Where the state dict was found in a .pth ("" for the root or a safetensors file).</param>
/// <param name="ParameterCount">Elements of floating-point tensors (weights and float buffers).</param>
/// <param name="TotalElements">Elements of all tensors, integer buffers included.</param>
/// <param name="KeyPrefix">A wrapper prefix stripped to recognise the family ("module.", "backbone.", ...), or "".</param>
public sealed record CheckpointDescription(string File, CheckpointFormat Format, string StatePath, IReadOnlyList<CheckpointEntryInfo> Entries,
    long ParameterCount, long TotalElements, CheckpointFamily Family, string KeyPrefix);

/// <summary>
/// The library side of `medfm inspect`: lists a checkpoint's tensors (key, shape, dtype), counts parameters and
/// recognises the model family from key patterns. Reads headers and pickles only, never tensor data.
/// </summary>
public static class CheckpointInspector
{
    private static readonly string[] WrapperPrefixes = ["module.", "model.", "backbone.", "encoder.", "student.", "teacher.", "visual.trunk."];

    public static CheckpointDescription Describe(string path, string? statePath = null)
    {
        var format = CheckpointFile.Identify(path);
        var found = CheckpointFile.Load(path, statePath);
        using var sd = found.StateDict;
        return Describe(sd, path, format, found.Path);
    }

    public static CheckpointDescription Describe(StateDict sd, string file = "<memory>", CheckpointFormat format = CheckpointFormat.Unknown, string statePath = "")
    {
        var entries = new List<CheckpointEntryInfo>(sd.Count);
        long parameters = 0, total = 0;
        foreach (var (key, t) in sd)
        {
            entries.Add(new CheckpointEntryInfo(key, t.Shape, t.DType, t.ElementCount));
            total += t.ElementCount;
            if (t.DType.IsFloatingPoint()) parameters += t.ElementCount;
        }
        var (family, prefix) = DetectFamily(sd.Keys);
        return new CheckpointDescription(file, format, statePath, entries, parameters, total, family, prefix);
    }

    /// <summary>The family, trying the keys as they are and then without a common wrapper prefix.</summary>
    public static (CheckpointFamily Family, string Prefix) DetectFamily(IReadOnlyCollection<string> keys)
    {
        var direct = Detect(new HashSet<string>(keys, StringComparer.Ordinal));
        if (direct != CheckpointFamily.Unknown) return (direct, "");
        foreach (var prefix in WrapperPrefixes)
        {
            var stripped = new HashSet<string>(StringComparer.Ordinal);
            foreach (var k in keys) if (k.StartsWith(prefix, StringComparison.Ordinal)) stripped.Add(k[prefix.Length..]);
            if (stripped.Count == 0) continue;
            var f = Detect(stripped);
            if (f != CheckpointFamily.Unknown) return (f, prefix);
        }
        return (CheckpointFamily.Unknown, "");
    }

    private static CheckpointFamily Detect(HashSet<string> keys)
    {
        bool Any(string prefix) => keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
        if (Any("image_encoder.") && Any("prompt_encoder.") && Any("mask_decoder.")) return CheckpointFamily.Sam;
        bool vitStem = keys.Contains("patch_embed.proj.weight");
        if (vitStem && Any("decoder_embed.") && keys.Contains("mask_token")) return CheckpointFamily.Mae;
        if (vitStem && keys.Contains("mask_token") && (keys.Contains("blocks.0.ls1.gamma") || keys.Contains("blocks.0.0.ls1.gamma")))
            return CheckpointFamily.DinoV2;
        if (Any("text.transformer.embeddings.")) return CheckpointFamily.OpenClipHfText;
        if ((keys.Contains("visual.conv1.weight") || Any("visual.layer1.")) && Any("transformer.resblocks.")) return CheckpointFamily.OpenAiClip;
        if (vitStem && keys.Contains("blocks.0.attn.qkv.weight")) return CheckpointFamily.TimmVit;
        if (keys.Contains("conv1.weight") && keys.Contains("layer1.0.conv1.weight")) return CheckpointFamily.TorchvisionResNet;
        return CheckpointFamily.Unknown;
    }
}
