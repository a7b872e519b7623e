using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace MedFM.Models.Checkpoints;

/// <summary>
/// An ordered name → <see cref="CheckpointTensor"/> map with the file's string metadata: what a checkpoint holds
/// once its container (safetensors, .pth) is read. Order is the file's order (safetensors: data offsets; .pth: the
/// pickled dict's insertion order). Disposing it releases the file mapping the tensors read from.
/// Key renaming belongs to the model families' adapters, not here.
/// </summary>
public sealed class StateDict : IReadOnlyDictionary<string, CheckpointTensor>, IDisposable
{
    private readonly List<string> _keys = new();
    private readonly Dictionary<string, CheckpointTensor> _map = new(StringComparer.Ordinal);
    private readonly IDisposable? _owner;

    /// <summary>Builds a state dict; each tensor's <see cref="CheckpointTensor.Name"/> is its key. Duplicate names are refused.</summary>
    public StateDict(IEnumerable<CheckpointTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null, string? source = null)
        : this(tensors, metadata, source, null) { }

    internal StateDict(IEnumerable<CheckpointTensor> tensors, IReadOnlyDictionary<string, string>? metadata, string? source, IDisposable? owner)
    {
        _owner = owner;
        Source = source;
        Metadata = metadata ?? new Dictionary<string, string>();
        foreach (var t in tensors)
        {
            if (!_map.TryAdd(t.Name, t))
                throw new CheckpointFormatException(source ?? "<memory>", t.Name, null, "the key appears twice");
            _keys.Add(t.Name);
        }
    }

    /// <summary>The file the tensors come from, when they come from one.</summary>
    public string? Source { get; }

    /// <summary>String metadata (safetensors "__metadata__"; empty for .pth files).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Keys in file order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    IEnumerable<string> IReadOnlyDictionary<string, CheckpointTensor>.Keys => _keys;

    public IEnumerable<CheckpointTensor> Values
    {
        get { foreach (var k in _keys) yield return _map[k]; }
    }

    public int Count => _keys.Count;

    public CheckpointTensor this[string key] =>
        _map.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"'{key}' is not in the state dict ({Count} keys{(Source is null ? "" : " from " + Source)})");

    public bool ContainsKey(string key) => _map.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out CheckpointTensor value) => _map.TryGetValue(key, out value);

    /// <summary>Total number of elements over all tensors.</summary>
    public long ElementCount
    {
        get { long n = 0; foreach (var t in _map.Values) n += t.ElementCount; return n; }
    }

    public IEnumerator<KeyValuePair<string, CheckpointTensor>> GetEnumerator()
    {
        foreach (var k in _keys) yield return new KeyValuePair<string, CheckpointTensor>(k, _map[k]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Releases the file mapping; reading tensor bytes afterwards throws ObjectDisposedException.</summary>
    public void Dispose() => _owner?.Dispose();
}
