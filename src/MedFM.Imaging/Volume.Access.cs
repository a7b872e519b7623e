namespace MedFM.Imaging;

public partial class Volume
{
    /// <summary>The element at (i, j, k), component c, frame t, as float (bounds-checked).</summary>
    public float GetValue(int i, int j, int k, int c = 0, int t = 0) => (float)GetValueDouble(i, j, k, c, t);

    /// <summary>The element at (i, j, k, c, t) as double (exact for every voxel type).</summary>
    public double GetValueDouble(int i, int j, int k, int c = 0, int t = 0)
    {
        long n = FlatIndex(i, j, k, c, t);
        return VoxelType switch
        {
            VoxelType.UInt8 => ((byte[])Data)[n],
            VoxelType.Int8 => ((sbyte[])Data)[n],
            VoxelType.Int16 => ((short[])Data)[n],
            VoxelType.UInt16 => ((ushort[])Data)[n],
            VoxelType.Int32 => ((int[])Data)[n],
            VoxelType.UInt32 => ((uint[])Data)[n],
            VoxelType.Float32 => ((float[])Data)[n],
            _ => ((double[])Data)[n],
        };
    }

    /// <summary>Stores a value (rounded and saturated for integer types) at (i, j, k, c, t).</summary>
    public void SetValue(int i, int j, int k, double value, int c = 0, int t = 0)
    {
        long n = FlatIndex(i, j, k, c, t);
        switch (VoxelType)
        {
            case VoxelType.UInt8: ((byte[])Data)[n] = VoxelConvert.Saturate<byte>(value); break;
            case VoxelType.Int8: ((sbyte[])Data)[n] = VoxelConvert.Saturate<sbyte>(value); break;
            case VoxelType.Int16: ((short[])Data)[n] = VoxelConvert.Saturate<short>(value); break;
            case VoxelType.UInt16: ((ushort[])Data)[n] = VoxelConvert.Saturate<ushort>(value); break;
            case VoxelType.Int32: ((int[])Data)[n] = VoxelConvert.Saturate<int>(value); break;
            case VoxelType.UInt32: ((uint[])Data)[n] = VoxelConvert.Saturate<uint>(value); break;
            case VoxelType.Float32: ((float[])Data)[n] = (float)value; break;
            default: ((double[])Data)[n] = value; break;
        }
    }

    /// <summary>Flat element index of (i, j, k, c, t), bounds-checked.</summary>
    public long FlatIndex(int i, int j, int k, int c = 0, int t = 0)
    {
        if ((uint)i >= (uint)Width || (uint)j >= (uint)Height || (uint)k >= (uint)Depth
            || (uint)c >= (uint)Components || (uint)t >= (uint)Frames)
            throw new ArgumentOutOfRangeException(nameof(i), $"index ({i}, {j}, {k}, c={c}, t={t}) is outside {Shape}");
        return Shape.IndexOf(i, j, k, c, t);
    }

    /// <summary>
    /// All elements as a new float array in the volume's layout (what models consume, with <see cref="Shape"/>).
    /// </summary>
    public float[] ToFloat32()
    {
        var dst = IO.LargeArray.Uninitialized<float>(checked((int)ElementCount));
        VoxelConvert.ToSingle(Data, dst);
        return dst;
    }

    /// <summary>Converts all elements to float into <paramref name="destination"/> (length = ElementCount).</summary>
    public void CopyToFloat32(Span<float> destination) => VoxelConvert.ToSingle(Data, destination);

    /// <summary>All elements as a new double array.</summary>
    public double[] ToFloat64() => VoxelConvert.ToDouble(Data);

    /// <summary>A copy in another voxel type (rounded to nearest, saturated, NaN → 0 for integer targets).</summary>
    public Volume ConvertTo(VoxelType type)
    {
        if (type == VoxelType) return Clone();
        Array data = type == VoxelType.Float32 ? ToFloat32() : VoxelConvert.FromFloat64(ToFloat64(), type);
        return CreateLike(Shape, data, Geometry);
    }

    /// <summary>The smallest and largest element (NaN ignored; NaN, NaN when every element is NaN).</summary>
    public (double Min, double Max) MinMax()
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        switch (VoxelType)
        {
            case VoxelType.UInt8: foreach (var v in GetData<byte>()) { if (v < min) min = v; if (v > max) max = v; } break;
            case VoxelType.Int16: foreach (var v in GetData<short>()) { if (v < min) min = v; if (v > max) max = v; } break;
            case VoxelType.UInt16: foreach (var v in GetData<ushort>()) { if (v < min) min = v; if (v > max) max = v; } break;
            case VoxelType.Float32: foreach (var v in GetData<float>()) { if (v < min) min = v; if (v > max) max = v; } break;
            default: foreach (var v in ToFloat64()) { if (v < min) min = v; if (v > max) max = v; } break;
        }
        return min > max ? (double.NaN, double.NaN) : (min, max);
    }
}
