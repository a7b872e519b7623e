using System.Collections;

namespace MedFM.Models.Checkpoints.Pickle;

/// <summary>
/// An unpickled Python tuple (also torch.Size). Python values map to .NET as: None → null, bool → bool,
/// int → long (or BigInteger beyond 64 bits), float → double, str → string, bytes → byte[], list → List&lt;object?&gt;,
/// tuple → PyTuple, dict/OrderedDict → <see cref="PyDict"/>, set → <see cref="PySet"/>, tensors → CheckpointTensor.
/// </summary>
public sealed class PyTuple : IReadOnlyList<object?>
{
    public static readonly PyTuple Empty = new([]);

    private readonly object?[] _items;

    public PyTuple(object?[] items) => _items = items;

    public int Count => _items.Length;

    public object? this[int index] => _items[index];

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public override string ToString() => PyFormat.Short(this);
}

/// <summary>An unpickled set or frozenset (items in insertion order, without duplicates).</summary>
public sealed class PySet : IReadOnlyCollection<object?>
{
    private readonly List<object?> _items = new();
    private readonly HashSet<object> _seen = new(PyKeyComparer.Instance);

    public PySet(bool frozen) => IsFrozen = frozen;

    public bool IsFrozen { get; }

    public int Count => _items.Count;

    internal void Add(object? item)
    {
        if (_seen.Add(PyKeyComparer.Wrap(item))) _items.Add(item);
    }

    public bool Contains(object? item) => _seen.Contains(PyKeyComparer.Wrap(item));

    public IEnumerator<object?> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => PyFormat.Short(this);
}

/// <summary>
/// An instance of an allow-listed plain-data class (argparse.Namespace): its class name and attributes.
/// </summary>
public sealed class PyObject(string className)
{
    public string ClassName { get; } = className;

    /// <summary>Attributes set by the pickle's BUILD (the object's __dict__).</summary>
    public PyDict Attributes { get; } = new("dict");

    public override string ToString() => PyFormat.Short(this);
}

/// <summary>
/// A reference to an allow-listed Python global that is data rather than a function call result: a storage type
/// (torch.FloatStorage), a dtype (torch.float16), a class marker (torch.Tensor). Its <see cref="Kind"/> says how the
/// unpickler may use it.
/// </summary>
public sealed record PyGlobal(string Module, string Name, PyGlobalKind Kind)
{
    public string FullName => Module + "." + Name;

    /// <summary>The element type, for storage types and torch dtypes.</summary>
    public CheckpointDType? DType { get; init; }

    public override string ToString() => FullName;
}

public enum PyGlobalKind
{
    /// <summary>A function the unpickler evaluates itself (REDUCE): _rebuild_tensor_v2, OrderedDict, torch.Size, ...</summary>
    Function,
    /// <summary>A class the unpickler may instantiate as plain data (NEWOBJ): argparse.Namespace, OrderedDict.</summary>
    Class,
    /// <summary>A value that is only ever passed around: storage types, dtypes, torch.Tensor.</summary>
    Marker,
}
