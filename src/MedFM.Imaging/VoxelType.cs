namespace MedFM.Imaging;

/// <summary>The element type of a volume's voxel array.</summary>
public enum VoxelType
{
    UInt8,
    Int8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Float32,
    Float64,
}

/// <summary>Facts about <see cref="VoxelType"/>: element size, CLR type, allocation.</summary>
public static class VoxelTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(VoxelType t) => t switch
    {
        VoxelType.UInt8 or VoxelType.Int8 => 1,
        VoxelType.Int16 or VoxelType.UInt16 => 2,
        VoxelType.Int32 or VoxelType.UInt32 or VoxelType.Float32 => 4,
        VoxelType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown voxel type"),
    };

    /// <summary>The CLR element type (byte, sbyte, short, ushort, int, uint, float, double).</summary>
    public static Type ElementType(VoxelType t) => t switch
    {
        VoxelType.UInt8 => typeof(byte),
        VoxelType.Int8 => typeof(sbyte),
        VoxelType.Int16 => typeof(short),
        VoxelType.UInt16 => typeof(ushort),
        VoxelType.Int32 => typeof(int),
        VoxelType.UInt32 => typeof(uint),
        VoxelType.Float32 => typeof(float),
        VoxelType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown voxel type"),
    };

    /// <summary>The voxel type of a CLR element type; throws <see cref="VoxelTypeMismatchException"/> for unsupported ones.</summary>
    public static VoxelType FromElementType(Type type)
    {
        if (type == typeof(byte)) return VoxelType.UInt8;
        if (type == typeof(sbyte)) return VoxelType.Int8;
        if (type == typeof(short)) return VoxelType.Int16;
        if (type == typeof(ushort)) return VoxelType.UInt16;
        if (type == typeof(int)) return VoxelType.Int32;
        if (type == typeof(uint)) return VoxelType.UInt32;
        if (type == typeof(float)) return VoxelType.Float32;
        if (type == typeof(double)) return VoxelType.Float64;
        throw new VoxelTypeMismatchException($"{type.Name} is not a voxel element type (byte, sbyte, short, ushort, int, uint, float, double)");
    }

    /// <summary>The voxel type of a typed array; throws for arrays of other element types or rank.</summary>
    public static VoxelType OfArray(Array data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rank != 1) throw new VolumeShapeException($"voxel data must be a one-dimensional array, found rank {data.Rank}");
        return FromElementType(data.GetType().GetElementType()!);
    }

    /// <summary>A zeroed array of <paramref name="length"/> elements of type <paramref name="t"/>.</summary>
    public static Array Allocate(VoxelType t, long length)
    {
        if (length < 0 || length > Array.MaxLength)
            throw new VolumeShapeException($"cannot allocate {length} voxels (limit {Array.MaxLength})");
        int n = (int)length;
        return t switch
        {
            VoxelType.UInt8 => IO.LargeArray.Zeroed<byte>(n),
            VoxelType.Int8 => IO.LargeArray.Zeroed<sbyte>(n),
            VoxelType.Int16 => IO.LargeArray.Zeroed<short>(n),
            VoxelType.UInt16 => IO.LargeArray.Zeroed<ushort>(n),
            VoxelType.Int32 => IO.LargeArray.Zeroed<int>(n),
            VoxelType.UInt32 => IO.LargeArray.Zeroed<uint>(n),
            VoxelType.Float32 => IO.LargeArray.Zeroed<float>(n),
            VoxelType.Float64 => IO.LargeArray.Zeroed<double>(n),
            _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown voxel type"),
        };
    }

    /// <summary>
    /// Like <see cref="Allocate"/> but without zeroing, for buffers that are about to be overwritten entirely. With
    /// <paramref name="populate"/> false a large buffer gets the huge-page advice only, its pages left for an
    /// <see cref="IO.PageWarmer"/>.
    /// </summary>
    internal static Array AllocateUninitialized(VoxelType t, long length, bool populate = true)
    {
        if (length < 0 || length > Array.MaxLength)
            throw new VolumeShapeException($"cannot allocate {length} voxels (limit {Array.MaxLength})");
        int n = (int)length;
        return t switch
        {
            VoxelType.UInt8 => Uninitialized<byte>(n, populate),
            VoxelType.Int8 => Uninitialized<sbyte>(n, populate),
            VoxelType.Int16 => Uninitialized<short>(n, populate),
            VoxelType.UInt16 => Uninitialized<ushort>(n, populate),
            VoxelType.Int32 => Uninitialized<int>(n, populate),
            VoxelType.UInt32 => Uninitialized<uint>(n, populate),
            VoxelType.Float32 => Uninitialized<float>(n, populate),
            VoxelType.Float64 => Uninitialized<double>(n, populate),
            _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown voxel type"),
        };
    }

    private static T[] Uninitialized<T>(int n, bool populate) where T : unmanaged =>
        populate ? IO.LargeArray.Uninitialized<T>(n) : IO.LargeArray.UninitializedUnpopulated<T>(n);

    /// <summary>True for the integer types.</summary>
    public static bool IsInteger(VoxelType t) => t is not (VoxelType.Float32 or VoxelType.Float64);

    /// <summary>The representable range of an integer type (for saturating conversion); ±∞ for floats.</summary>
    public static (double Min, double Max) Range(VoxelType t) => t switch
    {
        VoxelType.UInt8 => (byte.MinValue, byte.MaxValue),
        VoxelType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        VoxelType.Int16 => (short.MinValue, short.MaxValue),
        VoxelType.UInt16 => (ushort.MinValue, ushort.MaxValue),
        VoxelType.Int32 => (int.MinValue, int.MaxValue),
        VoxelType.UInt32 => (uint.MinValue, uint.MaxValue),
        _ => (double.NegativeInfinity, double.PositiveInfinity),
    };
}
