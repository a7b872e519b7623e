using MedFM.Imaging.Geometry;

namespace MedFM.Imaging;

/// <summary>
/// A segmentation or label map: UInt8 or UInt16 labels, one component. Every spatial operation on it
/// (resampling included) uses nearest-neighbour sampling, always: labels are never interpolated.
/// </summary>
public sealed class LabelVolume : Volume
{
    public LabelVolume(VolumeShape shape, Array data, ImageGeometry? geometry = null) : base(shape, data, geometry)
    {
        if (VoxelType is not (VoxelType.UInt8 or VoxelType.UInt16))
            throw new VoxelTypeMismatchException($"label volumes hold UInt8 or UInt16 labels, found {VoxelType}");
        if (shape.Components != 1)
            throw new VolumeShapeException($"label volumes have one component, found {shape.Components}");
    }

    public LabelVolume(int width, int height, int depth, Array data, ImageGeometry? geometry = null)
        : this(new VolumeShape(width, height, depth), data, geometry) { }

    /// <summary>A zero-filled label volume (UInt8 or UInt16).</summary>
    public static new LabelVolume Allocate(VolumeShape shape, VoxelType type = VoxelType.UInt8, ImageGeometry? geometry = null) =>
        new(shape, VoxelTypes.Allocate(type, shape.ElementCount), geometry);

    /// <summary>
    /// Interprets an integer volume as labels: UInt8/UInt16 data are shared; other integer types are copied into
    /// UInt8 (max label ≤ 255) or UInt16 (≤ 65535). Negative, fractional or larger values throw.
    /// </summary>
    public static LabelVolume FromVolume(Volume v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v is LabelVolume l) return l;
        if (v.VoxelType is VoxelType.UInt8 or VoxelType.UInt16) return new LabelVolume(v.Shape, v.Data, v.Geometry);
        var values = v.ToFloat64();
        double max = 0;
        foreach (var x in values)
        {
            if (!(x >= 0) || x != Math.Floor(x) || x > ushort.MaxValue)
                throw new VoxelTypeMismatchException($"value {x} cannot be a label (labels are integers in [0, 65535])");
            if (x > max) max = x;
        }
        var type = max <= byte.MaxValue ? VoxelType.UInt8 : VoxelType.UInt16;
        return new LabelVolume(v.Shape, VoxelConvert.FromFloat64(values, type), v.Geometry);
    }

    /// <summary>The sorted distinct labels present (0 included when present).</summary>
    public int[] DistinctLabels()
    {
        var seen = new bool[VoxelType == VoxelType.UInt8 ? 256 : 65536];
        if (VoxelType == VoxelType.UInt8) foreach (var b in GetData<byte>()) seen[b] = true;
        else foreach (var u in GetData<ushort>()) seen[u] = true;
        var list = new List<int>();
        for (int i = 0; i < seen.Length; i++) if (seen[i]) list.Add(i);
        return list.ToArray();
    }

    protected override Volume CreateLike(VolumeShape shape, Array data, ImageGeometry geometry)
    {
        var t = VoxelTypes.OfArray(data);
        return t is VoxelType.UInt8 or VoxelType.UInt16 && shape.Components == 1
            ? new LabelVolume(shape, data, geometry)
            : new Volume(shape, data, geometry);
    }
}
