using System.Runtime.InteropServices;
using MedFM.Imaging.Geometry;

namespace MedFM.Imaging;

/// <summary>
/// An image grid with its voxels and its place in patient space: the common currency of every reader and writer.
/// Width (i) runs fastest, then Height (j), Depth (k), Frames (t); Components (1 grey, 3 RGB, 4 RGBA) are
/// interleaved per voxel: data[(((t·D + k)·H + j)·W + i)·C + c]. The voxel array is one of
/// byte[], sbyte[], short[], ushort[], int[], uint[], float[], double[] and is shared, not copied, by the constructor.
/// Derived volumes (Slice, transforms, resampling) carry a geometry updated consistently.
/// </summary>
public partial class Volume
{
    /// <summary>
    /// Wraps <paramref name="data"/> (not copied). Its length must equal the shape's element count; its element type
    /// gives <see cref="VoxelType"/>. A null geometry means <see cref="ImageGeometry.Unknown"/>.
    /// </summary>
    public Volume(VolumeShape shape, Array data, ImageGeometry? geometry = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Width == 0) throw new VolumeShapeException("the volume shape is uninitialised (default VolumeShape)");
        VoxelType = VoxelTypes.OfArray(data);
        if (data.LongLength != shape.ElementCount)
            throw new VolumeShapeException(
                $"voxel array has {data.LongLength} elements but shape {shape} needs {shape.ElementCount}");
        Shape = shape;
        Data = data;
        Geometry = geometry ?? ImageGeometry.Unknown;
    }

    /// <summary>Convenience: a single-frame volume of <paramref name="components"/> components.</summary>
    public Volume(int width, int height, int depth, Array data, ImageGeometry? geometry = null, int components = 1)
        : this(new VolumeShape(width, height, depth, components), data, geometry) { }

    /// <summary>A zero-filled volume of the given shape and type.</summary>
    public static Volume Allocate(VolumeShape shape, VoxelType type, ImageGeometry? geometry = null) =>
        new(shape, VoxelTypes.Allocate(type, shape.ElementCount), geometry);

    public VolumeShape Shape { get; }
    public int Width => Shape.Width;
    public int Height => Shape.Height;
    public int Depth => Shape.Depth;
    public int Components => Shape.Components;
    public int Frames => Shape.Frames;
    public VoxelType VoxelType { get; }
    public ImageGeometry Geometry { get; }

    /// <summary>The typed voxel array (byte[], short[], float[], ...), shared with this volume.</summary>
    public Array Data { get; }

    /// <summary>Total number of elements (W·H·D·C·T).</summary>
    public long ElementCount => Shape.ElementCount;

    /// <summary>True when the volume is a single slice (Depth 1).</summary>
    public bool Is2D => Depth == 1;

    /// <summary>The voxels as a typed span; <typeparamref name="T"/> must be the element type of <see cref="VoxelType"/>.</summary>
    public Span<T> GetData<T>() where T : unmanaged
    {
        if (typeof(T) != VoxelTypes.ElementType(VoxelType))
            throw new VoxelTypeMismatchException(
                $"GetData<{typeof(T).Name}> on a {VoxelType} volume: use GetData<{VoxelTypes.ElementType(VoxelType).Name}>()");
        return ((T[])Data).AsSpan();
    }

    /// <summary>The raw bytes of the voxel array in machine (little-endian) order.</summary>
    public Span<byte> GetBytes() =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(Data), checked((int)(ElementCount * VoxelTypes.SizeOf(VoxelType))));

    /// <summary>Slice k as a 2-D volume (Depth 1) of every frame, with the geometry of that slice (origin moved to slice k).</summary>
    public Volume Slice(int k)
    {
        if ((uint)k >= (uint)Depth) throw new ArgumentOutOfRangeException(nameof(k), k, $"slice must be in [0, {Depth})");
        var shape = new VolumeShape(Width, Height, 1, Components, Frames);
        var data = VoxelTypes.Allocate(VoxelType, shape.ElementCount);
        int size = VoxelTypes.SizeOf(VoxelType);
        long slice = Shape.ElementsPerSlice * size;
        var src = GetBytes();
        var dst = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(data), (int)(shape.ElementCount * size));
        for (int t = 0; t < Frames; t++)
            src.Slice((int)(((long)t * Depth + k) * slice), (int)slice).CopyTo(dst.Slice((int)(t * slice), (int)slice));
        var g = Geometry.WithOrigin(Geometry.IndexToWorld(0, 0, k));
        return CreateLike(shape, data, g);
    }

    /// <summary>Frame t as a single-frame volume with the same geometry.</summary>
    public Volume Frame(int t)
    {
        if ((uint)t >= (uint)Frames) throw new ArgumentOutOfRangeException(nameof(t), t, $"frame must be in [0, {Frames})");
        var shape = new VolumeShape(Width, Height, Depth, Components, 1);
        var data = VoxelTypes.Allocate(VoxelType, shape.ElementCount);
        int size = VoxelTypes.SizeOf(VoxelType);
        int bytes = checked((int)(shape.ElementCount * size));
        GetBytes().Slice(checked(t * bytes), bytes)
            .CopyTo(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(data), bytes));
        return CreateLike(shape, data, Geometry);
    }

    /// <summary>A volume of the same shape and geometry over other data (any voxel type, same element count).</summary>
    public Volume WithData(Array data) => CreateLike(Shape, data, Geometry);

    /// <summary>A volume of another shape and geometry that keeps this volume's kind (a LabelVolume stays one when it can).</summary>
    public Volume WithData(VolumeShape shape, Array data, ImageGeometry geometry) => CreateLike(shape, data, geometry);

    /// <summary>The same voxels (shared) placed in another geometry.</summary>
    public Volume WithGeometry(ImageGeometry geometry) => CreateLike(Shape, Data, geometry);

    /// <summary>A deep copy of the voxels with the same shape and geometry.</summary>
    public Volume Clone() => CreateLike(Shape, (Array)Data.Clone(), Geometry);

    /// <summary>Creates a volume of this kind; <see cref="LabelVolume"/> overrides it so derived volumes stay labels.</summary>
    protected virtual Volume CreateLike(VolumeShape shape, Array data, ImageGeometry geometry) => new(shape, data, geometry);

    public override string ToString() => $"{GetType().Name} {Shape} {VoxelType} {Geometry}";
}
