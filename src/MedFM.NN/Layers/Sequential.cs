using MedFM.Tensors;

namespace MedFM.NN.Layers;

/// <summary>
/// torch.nn.Sequential: layers registered under their index ("0", "1", ...) and applied in order. Indices of
/// parameterless layers (ReLU, Dropout) are kept, so "3.weight" stays "3.weight"; a null entry consumes an index
/// without a layer, and <see cref="FromIndexed"/> places layers at explicit indices.
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<(int Index, Module<Tensor, Tensor> Layer)> layers = new();
    private int nextIndex;

    public Sequential(params Module<Tensor, Tensor>?[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers)
        {
            if (layer is not null) AddAt(nextIndex, layer);
            nextIndex++;
        }
    }

    /// <summary>A Sequential whose layers sit at the given (strictly increasing) indices.</summary>
    public static Sequential FromIndexed(params (int Index, Module<Tensor, Tensor> Layer)[] entries)
    {
        var s = new Sequential();
        foreach (var (index, layer) in entries)
        {
            if (index < s.nextIndex) throw new ArgumentException($"Sequential: index {index} is not after the previous index {s.nextIndex - 1}");
            s.AddAt(index, layer);
            s.nextIndex = index + 1;
        }
        return s;
    }

    /// <summary>Appends a layer at the next index and returns it.</summary>
    public T Add<T>(T layer) where T : Module<Tensor, Tensor>
    {
        AddAt(nextIndex++, layer);
        return layer;
    }

    private void AddAt(int index, Module<Tensor, Tensor> layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        Register(index.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        layers.Add((index, layer));
    }

    /// <summary>The layers present, in order (gaps omitted).</summary>
    public IReadOnlyList<Module<Tensor, Tensor>> Layers => layers.Select(l => l.Layer).ToList();

    /// <summary>The layer registered at a key index, or a KeyNotFoundException for a gap.</summary>
    public Module<Tensor, Tensor> this[int index]
    {
        get
        {
            foreach (var (i, layer) in layers) if (i == index) return layer;
            throw new KeyNotFoundException($"Sequential has no layer at index {index}");
        }
    }

    public int Count => layers.Count;

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var (_, layer) in layers) x = layer.Forward(x);
        return x;
    }
}
