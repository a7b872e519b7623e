using System.Buffers;
using System.Runtime.InteropServices;
using MedFM.Tensors.IO;

namespace MedFM.Models.Checkpoints;

/// <summary>
/// One tensor of a checkpoint, before conversion to an engine tensor: dtype, shape, element strides and storage
/// offset over a <see cref="CheckpointStorage"/> (PyTorch's own model: views such as transposes or slices of a
/// shared storage keep their strides). The bytes are read only when a conversion asks for them.
/// The constructor checks that the view lies inside its storage, so a hostile shape or offset is refused up front.
/// Handing it to the engine: <c>Tensor.Wrap(t.ToFloat32(), t.Shape)</c>.
/// </summary>
public sealed record CheckpointTensor
{
    /// <summary>Largest rank accepted (PyTorch's own limit is 64 dimensions).</summary>
    public const int MaxRank = 64;

    /// <summary>Most elements a view may have when it has more elements than its storage (an expanded view).</summary>
    public const long MaxRepeatedElements = 1 << 22;

    private const int ChunkBytes = 1 << 27;

    public CheckpointTensor(string name, CheckpointDType dtype, int[] shape, long[] strides, long storageOffset, CheckpointStorage storage)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(strides);
        ArgumentNullException.ThrowIfNull(storage);
        Name = name;
        DType = dtype;
        Shape = shape;
        Strides = strides;
        StorageOffset = storageOffset;
        Storage = storage;
        ElementCount = Validate();
    }

    /// <summary>The state-dict key (empty for a tensor not yet placed in a dictionary).</summary>
    public string Name { get; init; }

    public CheckpointDType DType { get; }

    public int[] Shape { get; }

    /// <summary>Element strides per dimension (C order for safetensors and NumPy; whatever PyTorch saved for .pth).</summary>
    public long[] Strides { get; }

    /// <summary>Offset of element [0, ..., 0] in the storage, in elements.</summary>
    public long StorageOffset { get; }

    public CheckpointStorage Storage { get; }

    /// <summary>PyTorch's requires_grad flag as saved (true for nn.Parameter).</summary>
    public bool RequiresGrad { get; init; }

    public int Rank => Shape.Length;

    public long ElementCount { get; }

    /// <summary>True when the elements lie in C order without gaps.</summary>
    public bool IsContiguous => RawElements.IsContiguous(Shape, Strides);

    /// <summary>A C-contiguous tensor over a byte buffer (little-endian elements).</summary>
    public static CheckpointTensor FromBytes(string name, CheckpointDType dtype, byte[] data, params int[] shape) =>
        new(name, dtype, shape, RawElements.ContiguousStrides(shape), 0, CheckpointStorage.FromBytes(data, name));

    public static CheckpointTensor FromFloat32(string name, float[] data, params int[] shape) =>
        FromBytes(name, CheckpointDType.F32, MemoryMarshal.AsBytes(data.AsSpan()).ToArray(), shape);

    public static CheckpointTensor FromInt64(string name, long[] data, params int[] shape) =>
        FromBytes(name, CheckpointDType.I64, MemoryMarshal.AsBytes(data.AsSpan()).ToArray(), shape);

    /// <summary>
    /// The values as float32 in C order. float16, bfloat16 and integers up to 2^24 convert exactly; float64 rounds
    /// to nearest. Strided views are gathered.
    /// </summary>
    public float[] ToFloat32()
    {
        var result = new float[CheckedCount()];
        ReadFloat32(result);
        return result;
    }

    /// <summary>
    /// <see cref="ToFloat32"/> written into <paramref name="destination"/> (exactly ElementCount floats), with no
    /// intermediate copy; the file pages read are then released from this process (a model loaded entry by entry
    /// never holds its whole checkpoint resident).
    /// </summary>
    public void ReadFloat32Into(Span<float> destination)
    {
        if (destination.Length != CheckedCount())
            throw new ArgumentException($"tensor '{Name}' has {ElementCount} elements; the destination holds {destination.Length}", nameof(destination));
        ReadFloat32(destination);
        if (IsContiguous && destination.Length > 0) Storage.Consumed(StorageOffset * DType.ToRaw().Size(), (long)destination.Length * DType.ToRaw().Size());
    }

    private void ReadFloat32(Span<float> result)
    {
        if (result.Length == 0) return;
        var raw = DType.ToRaw();
        if (IsContiguous)
        {
            int size = raw.Size(), chunk = ChunkBytes / size;
            for (int done = 0; done < result.Length; done += chunk)
            {
                int n = Math.Min(chunk, result.Length - done);
                RawElements.ToFloat32(Storage.GetBytes((StorageOffset + done) * size, n * size), raw, Storage.BigEndian, result.Slice(done, n));
            }
            return;
        }
        var buffer = new float[result.Length];
        WithGathered(bytes => RawElements.ToFloat32(bytes, raw, Storage.BigEndian, buffer));
        buffer.CopyTo(result);
    }

    /// <summary>The values of an integer or bool tensor as int64 in C order. Floating-point tensors are refused.</summary>
    public long[] ToInt64()
    {
        if (DType.IsFloatingPoint())
            throw new InvalidOperationException($"tensor '{Name}' has dtype {DType}; ToInt64 reads integer and bool tensors only (use ToFloat32)");
        var result = new long[CheckedCount()];
        if (result.Length == 0) return result;
        var raw = DType.ToRaw();
        if (IsContiguous)
        {
            int size = raw.Size(), chunk = ChunkBytes / size;
            for (int done = 0; done < result.Length; done += chunk)
            {
                int n = Math.Min(chunk, result.Length - done);
                RawElements.ToInt64(Storage.GetBytes((StorageOffset + done) * size, n * size), raw, Storage.BigEndian, result.AsSpan(done, n));
            }
            return result;
        }
        WithGathered(bytes => RawElements.ToInt64(bytes, raw, Storage.BigEndian, result));
        return result;
    }

    /// <summary>The elements' bytes in C order and little-endian byte order (what safetensors stores).</summary>
    public byte[] ToBytes()
    {
        long total = ElementCount * DType.Size();
        if (total > Array.MaxLength) throw TooLarge();
        var result = new byte[total];
        if (total == 0) return result;
        if (IsContiguous) Storage.GetBytes(StorageOffset * DType.Size(), (int)total).CopyTo(result);
        else WithGathered(bytes => bytes.CopyTo(result));
        if (Storage.BigEndian) RawElements.ReverseEndianness(result, DType.Size());
        return result;
    }

    public override string ToString() => $"{Name}: {DType}[{string.Join(", ", Shape)}]";

    private delegate void BytesAction(ReadOnlySpan<byte> bytes);

    /// <summary>Gathers a strided view into a pooled C-order buffer and hands it to <paramref name="use"/>.</summary>
    private void WithGathered(BytesAction use)
    {
        int size = DType.Size();
        long first = StorageOffset, last = RawElements.LastElement(Shape, Strides, StorageOffset);
        long extent = (last - first + 1) * size, total = ElementCount * size;
        if (extent > int.MaxValue || total > int.MaxValue)
            throw new CheckpointFormatException(Storage.File, Name, null, $"non-contiguous view spanning {extent} bytes is too large to gather (limit 2 GiB)");
        var window = Storage.GetBytes(first * size, (int)extent);
        var buffer = ArrayPool<byte>.Shared.Rent((int)total);
        try
        {
            RawElements.Gather(window, size, Shape, Strides, 0, buffer.AsSpan(0, (int)total));
            use(buffer.AsSpan(0, (int)total));
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    private int CheckedCount() => ElementCount <= Array.MaxLength ? (int)ElementCount : throw TooLarge();

    private CheckpointFormatException TooLarge() =>
        new(Storage.File, Name, null, $"{ElementCount} elements exceed the largest array .NET can hold");

    private long Validate()
    {
        var problem = CheckView(DType, Shape, Strides, StorageOffset, Storage.ByteLength);
        if (problem is not null) throw new CheckpointFormatException(Storage.File, Name.Length > 0 ? Name : Storage.Entry, null, problem);
        return RawElements.ElementCount(Shape);
    }

    /// <summary>Why a view does not fit its storage, or null when it does.</summary>
    internal static string? CheckView(CheckpointDType dtype, int[] shape, long[] strides, long offset, long storageBytes)
    {
        string Where() => $"tensor {dtype}[{string.Join(", ", shape)}] with strides [{string.Join(", ", strides)}] at storage offset {offset}";
        if (shape.Length > MaxRank) return $"rank {shape.Length} exceeds {MaxRank}";
        if (strides.Length != shape.Length) return $"{Where()}: shape and strides differ in rank";
        foreach (var d in shape) if (d < 0) return $"{Where()}: negative dimension";
        foreach (var s in strides) if (s < 0) return $"{Where()}: negative stride";
        if (offset < 0) return $"{Where()}: negative storage offset";
        long last = RawElements.LastElement(shape, strides, offset);
        if (RawElements.ElementCount(shape) < 0 || last == -2) return $"{Where()}: size arithmetic overflows";
        long available = storageBytes / dtype.Size();
        if (last >= available)
            return $"{Where()} needs {last + 1} elements ({(last + 1) * dtype.Size()} bytes) but its storage holds {storageBytes} bytes";
        // Zero or overlapping strides repeat elements: legitimate for small expanded buffers, a memory bomb when a
        // few stored bytes claim billions of elements.
        long count = RawElements.ElementCount(shape);
        if (count > available && count > MaxRepeatedElements)
            return $"{Where()} repeats its {available} stored elements into {count} (limit {MaxRepeatedElements} for expanded views)";
        return null;
    }

}
