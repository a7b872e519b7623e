using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace MedFM.Models.Checkpoints.Pickle;

/// <summary>
/// An unpickled dict or collections.OrderedDict: insertion-ordered, with Python key equality (1 == 1.0 == True,
/// tuples compare by value). <see cref="Attributes"/> holds instance attributes set by BUILD (a state_dict's
/// "_metadata" with per-module versions lives there).
/// </summary>
public sealed class PyDict : IReadOnlyList<KeyValuePair<object?, object?>>
{
    private readonly List<KeyValuePair<object?, object?>> _items = new();
    private readonly Dictionary<object, int> _index = new(PyKeyComparer.Instance);
    private PyDict? _attributes;

    public PyDict(string className = "dict") => ClassName = className;

    /// <summary>"dict" or "collections.OrderedDict".</summary>
    public string ClassName { get; }

    public int Count => _items.Count;

    public KeyValuePair<object?, object?> this[int index] => _items[index];

    /// <summary>The value under a string key; KeyNotFoundException when absent.</summary>
    public object? this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"'{key}' is not in the dict");

    public IEnumerable<object?> Keys
    {
        get { foreach (var kv in _items) yield return kv.Key; }
    }

    /// <summary>Instance attributes from BUILD, or an empty dict.</summary>
    public PyDict Attributes => _attributes ??= new PyDict("dict");

    internal bool HasAttributes => _attributes is { Count: > 0 };

    public bool ContainsKey(object? key) => _index.ContainsKey(PyKeyComparer.Wrap(key));

    public bool TryGetValue(object? key, [MaybeNullWhen(false)] out object? value)
    {
        if (_index.TryGetValue(PyKeyComparer.Wrap(key), out int i)) { value = _items[i].Value; return true; }
        value = null;
        return false;
    }

    /// <summary>Python assignment: a new key goes last; an existing key keeps its position and gets the new value.</summary>
    internal void Set(object? key, object? value)
    {
        var k = PyKeyComparer.Wrap(key);
        if (_index.TryGetValue(k, out int i)) _items[i] = new(_items[i].Key, value);
        else { _index.Add(k, _items.Count); _items.Add(new(key, value)); }
    }

    public IEnumerator<KeyValuePair<object?, object?>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => PyFormat.Short(this);
}
