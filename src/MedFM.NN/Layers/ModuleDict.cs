using System.Collections;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.ModuleDict: children registered under their keys, in insertion order.</summary>
public sealed class ModuleDict<T> : Module, IReadOnlyCollection<KeyValuePair<string, T>> where T : Module
{
    private readonly List<KeyValuePair<string, T>> items = new();

    public T Add(string key, T module)
    {
        ArgumentNullException.ThrowIfNull(module);
        Register(key, module);
        items.Add(new(key, module));
        return module;
    }

    public T this[string key]
    {
        get
        {
            foreach (var (k, m) in items) if (k == key) return m;
            throw new KeyNotFoundException($"ModuleDict has no key '{key}'");
        }
    }

    public bool ContainsKey(string key) => items.Any(kv => kv.Key == key);

    public int Count => items.Count;

    public IEnumerator<KeyValuePair<string, T>> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
