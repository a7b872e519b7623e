using System.Buffers.Binary;
using MedFM.Tensors.IO;

namespace MedFM.Models.Checkpoints.Pickle;

/// <summary>
/// A numpy.dtype rebuilt from a pickle: numpy.dtype('f8', False, True) followed by BUILD with a state tuple whose
/// second item is the byte order ('&lt;', '&gt;', '|', '='). Only numeric and bool dtypes are admitted.
/// </summary>
public sealed class NumpyDType
{
    internal NumpyDType(string code, CheckpointDType dtype) => (Code, DType) = (code, dtype);

    /// <summary>The numpy type code without byte order, e.g. "f8", "i8", "b1".</summary>
    public string Code { get; }

    public CheckpointDType DType { get; }

    /// <summary>'&lt;', '&gt;', '|' or '=' (native, which is little-endian on every machine we run on).</summary>
    public char ByteOrder { get; internal set; } = '=';

    public bool BigEndian => ByteOrder == '>' && DType.Size() > 1;

    internal static CheckpointDType? Parse(string code) => code switch
    {
        "f4" => CheckpointDType.F32, "f8" => CheckpointDType.F64, "f2" => CheckpointDType.F16,
        "i8" => CheckpointDType.I64, "i4" => CheckpointDType.I32, "i2" => CheckpointDType.I16, "i1" => CheckpointDType.I8,
        "u1" => CheckpointDType.U8, "b1" => CheckpointDType.Bool,
        _ => null,
    };

    /// <summary>Decodes one element (numpy.core.multiarray.scalar): float kinds → double, integers → long, bool → bool.</summary>
    internal object Scalar(ReadOnlySpan<byte> b)
    {
        bool be = BigEndian;
        return DType switch
        {
            CheckpointDType.F64 => BitConverter.Int64BitsToDouble(be ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b)),
            CheckpointDType.F32 => (double)BitConverter.Int32BitsToSingle(be ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b)),
            CheckpointDType.F16 => (double)BitConverter.UInt16BitsToHalf(be ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b)),
            CheckpointDType.I64 => be ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
            CheckpointDType.I32 => (long)(be ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b)),
            CheckpointDType.I16 => (long)(be ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b)),
            CheckpointDType.I8 => (long)(sbyte)b[0],
            CheckpointDType.U8 => (long)b[0],
            _ => b[0] != 0,
        };
    }

    public override string ToString() => $"dtype('{ByteOrder}{Code}')";
}

/// <summary>
/// A numpy.ndarray rebuilt from a pickle (numpy.core.multiarray._reconstruct, then BUILD with
/// (version, shape, dtype, is_fortran, raw bytes)). Object arrays are refused; numeric ones convert to a tensor.
/// </summary>
public sealed class NumpyArray
{
    public int[] Shape { get; internal set; } = [0];

    public NumpyDType? DType { get; internal set; }

    public bool FortranOrder { get; internal set; }

    internal byte[] Data { get; set; } = [];

    /// <summary>True once BUILD has filled in shape, dtype and data.</summary>
    public bool IsBuilt => DType is not null;

    /// <summary>The array as a checkpoint tensor over its bytes.</summary>
    public CheckpointTensor ToTensor(string name = "")
    {
        var dt = DType ?? throw new InvalidOperationException("the pickled numpy array was never given its state");
        long[] strides;
        if (FortranOrder)
        {
            strides = new long[Shape.Length];
            long acc = 1;
            for (int i = 0; i < Shape.Length; i++) { strides[i] = acc; acc *= Math.Max(1, Shape[i]); }
        }
        else strides = RawElements.ContiguousStrides(Shape);
        var storage = CheckpointStorage.FromBytes(Data, name.Length > 0 ? name : "numpy array", dt.BigEndian);
        return new CheckpointTensor(name, dt.DType, Shape, strides, 0, storage);
    }

    public override string ToString() => $"ndarray({DType}, [{string.Join(", ", Shape)}])";
}
