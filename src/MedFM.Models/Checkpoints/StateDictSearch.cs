using MedFM.Models.Checkpoints.Pickle;

namespace MedFM.Models.Checkpoints;

/// <summary>A state dict found inside a checkpoint, with the path that led to it.</summary>
/// <param name="StateDict">The tensors.</param>
/// <param name="Path">Keys from the root joined by '/', e.g. "model", "state_dict", "teacher"; "" for the root itself.</param>
/// <param name="IgnoredKeys">Non-tensor entries of the chosen dict that were left out (e.g. "epoch" stored beside the weights).</param>
public sealed record FoundStateDict(StateDict StateDict, string Path, IReadOnlyList<string> IgnoredKeys);

/// <summary>
/// Locates the model weights inside a training checkpoint: the root itself when it maps names to tensors, else the
/// first of <see cref="PreferredKeys"/> that leads to one ('state_dict' for Lightning and MedSAM, 'model' for
/// MAE/DeiT, 'network_weights' for nnU-Net, 'module', 'teacher' before 'student' for DINO, ...), else a dict
/// beside optimizer state. Non-tensor entries (epoch, optimizer, args) are ignored; the search is depth-limited and
/// safe on shared or cyclic object graphs.
/// </summary>
public static class StateDictSearch
{
    public static readonly IReadOnlyList<string> PreferredKeys =
    [
        "state_dict", "model_state_dict", "model", "network_weights", "module", "teacher", "student",
        "model_ema", "state_dict_ema", "ema", "net", "network", "params", "weights",
    ];

    private static readonly HashSet<string> NotModels = new(StringComparer.Ordinal)
    {
        "optimizer", "optimizer_state", "optimizer_state_dict", "optimizer_states", "scheduler", "lr_scheduler", "lr_schedulers",
        "scaler", "grad_scaler_state", "amp", "args", "config", "hyper_parameters", "hparams", "callbacks", "loops",
    };

    private const int MaxDepth = 4;

    /// <summary>Finds the state dict under <paramref name="root"/>, or at an explicit '/'-separated <paramref name="path"/>.</summary>
    public static FoundStateDict Find(object? root, string file = "<memory>", string? path = null) => Find(root, file, path, null);

    internal static FoundStateDict Find(object? root, string file, string? path, IDisposable? owner)
    {
        if (path is not null)
        {
            var node = root;
            foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
                node = node is PyDict d && d.TryGetValue(part, out var child)
                    ? child : throw new CheckpointFormatException(file, path, null, $"the checkpoint has no dict entry '{part}' on the path '{path}'");
            return Make(node as PyDict ?? throw new CheckpointFormatException(file, path, null, $"'{path}' is a {Unpickler.TypeName(node)}, not a dict"),
                path, file, owner) ?? throw new CheckpointFormatException(file, path, null, $"'{path}' holds no tensors");
        }
        return Search(root, "", 0, file, owner, new HashSet<object>(ReferenceEqualityComparer.Instance))
            ?? throw new CheckpointFormatException(file, null, null, $"no state dict found (a dict of tensors); the checkpoint holds {PyFormat.Short(root, 2)}");
    }

    private static FoundStateDict? Search(object? node, string path, int depth, string file, IDisposable? owner, HashSet<object> visited)
    {
        // Each dict is examined once: pickles may share or cycle references, which must not multiply the work.
        if (node is not PyDict d || depth > MaxDepth || !visited.Add(d)) return null;
        if (d.Count > 0 && d.All(kv => kv.Key is string && kv.Value is CheckpointTensor)) return Make(d, path, file, owner);
        foreach (var key in PreferredKeys)
            if (d.TryGetValue(key, out var child) && Search(child, Join(path, key), depth + 1, file, owner, visited) is { } found)
                return found;
        if (d.Any(kv => kv.Key is string && kv.Value is CheckpointTensor)) return Make(d, path, file, owner);
        foreach (var kv in d)
            if (kv.Key is string k && !NotModels.Contains(k) && kv.Value is PyDict && Search(kv.Value, Join(path, k), depth + 1, file, owner, visited) is { } found)
                return found;
        return null;
    }

    private static FoundStateDict? Make(PyDict d, string path, string file, IDisposable? owner)
    {
        var tensors = new List<CheckpointTensor>();
        var ignored = new List<string>();
        foreach (var kv in d)
        {
            if (kv.Key is string k && kv.Value is CheckpointTensor t) tensors.Add(t with { Name = k });
            else ignored.Add(kv.Key as string ?? PyFormat.Short(kv.Key));
        }
        if (tensors.Count == 0) return null;
        return new FoundStateDict(new StateDict(tensors, null, file, owner), path, ignored);
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "/" + key;
}
