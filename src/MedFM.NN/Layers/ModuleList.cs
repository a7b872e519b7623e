using System.Collections;

namespace MedFM.NN.Layers;

/// <summary>torch.nn.ModuleList: children registered as "0" .. "n−1" (e.g. a transformer's "blocks").</summary>
public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    private readonly List<T> items = new();

    public ModuleList(IEnumerable<T>? modules = null)
    {
        if (modules is null) return;
        foreach (var m in modules) Add(m);
    }

    public T Add(T module)
    {
        ArgumentNullException.ThrowIfNull(module);
        Register(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        items.Add(module);
        return module;
    }

    public T this[int index] => items[index];

    public int Count => items.Count;

    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
