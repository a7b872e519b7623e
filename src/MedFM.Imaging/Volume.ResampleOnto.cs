using System.Numerics;
using System.Runtime.CompilerServices;
using MedFM.Imaging.Geometry;

namespace MedFM.Imaging;

/// <summary>Resampling by world position onto another grid (e.g. a model's mask back onto the source series).</summary>
public partial class Volume
{
    /// <summary>
    /// Resamples onto another grid (geometry + size). Points outside this volume get <paramref name="fill"/>.
    /// Linear output is Float32 (trilinear; a point within 1e-6 voxel of the border counts as inside); nearest keeps
    /// the voxel type; labels are always nearest. The target geometry is converted into this volume's frame first.
    /// </summary>
    public Volume ResampleOnto(ImageGeometry geometry, int width, int height, int depth,
                               Interpolation mode = Interpolation.Linear, double fill = 0)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var shape = Shape.WithSize(width, height, depth);
        // target index → world → source index, as one affine in index space.
        var map = Geometry.Affine.Inverse() * geometry.InFrame(Geometry.Frame).Affine;
        bool nearest = mode == Interpolation.Nearest || this is LabelVolume;
        Array output = VoxelType switch
        {
            VoxelType.UInt8 => Onto((byte[])Data, shape, map, nearest, fill),
            VoxelType.Int8 => Onto((sbyte[])Data, shape, map, nearest, fill),
            VoxelType.Int16 => Onto((short[])Data, shape, map, nearest, fill),
            VoxelType.UInt16 => Onto((ushort[])Data, shape, map, nearest, fill),
            VoxelType.Int32 => Onto((int[])Data, shape, map, nearest, fill),
            VoxelType.UInt32 => Onto((uint[])Data, shape, map, nearest, fill),
            VoxelType.Float32 => Onto((float[])Data, shape, map, nearest, fill),
            _ => Onto((double[])Data, shape, map, nearest, fill),
        };
        return CreateLike(shape, output, geometry);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Array Onto<T>(T[] src, VolumeShape shape, AffineMatrix map, bool nearest, double fill)
        where T : unmanaged, INumberBase<T>
    {
        int c = Components, w = Width, h = Height, d = Depth;
        var step = map.Linear.Column(0);
        T[]? near = nearest ? new T[shape.ElementCount] : null;
        float[]? lin = nearest ? null : new float[shape.ElementCount];
        T fillT = VoxelConvert.Saturate<T>(fill);
        const double eps = 1e-6;
        long o = 0;
        for (int t = 0; t < shape.Frames; t++)
        {
            long frame = t * Shape.ElementsPerFrame;
            for (int k = 0; k < shape.Depth; k++)
                for (int j = 0; j < shape.Height; j++)
                {
                    var p = map.Apply(new Vector3d(0, j, k));
                    for (int i = 0; i < shape.Width; i++, p += step)
                    {
                        if (near is not null)
                        {
                            int x = (int)Math.Floor(p.X + 0.5), y = (int)Math.Floor(p.Y + 0.5), z = (int)Math.Floor(p.Z + 0.5);
                            bool inside = (uint)x < (uint)w && (uint)y < (uint)h && (uint)z < (uint)d;
                            long s = frame + (((long)z * h + y) * w + x) * c;
                            for (int cc = 0; cc < c; cc++) near[o++] = inside ? src[s + cc] : fillT;
                            continue;
                        }
                        if (p.X < -eps || p.Y < -eps || p.Z < -eps || p.X > w - 1 + eps || p.Y > h - 1 + eps || p.Z > d - 1 + eps)
                        {
                            for (int cc = 0; cc < c; cc++) lin![o++] = (float)fill;
                            continue;
                        }
                        double fx = Math.Clamp(p.X, 0, w - 1), fy = Math.Clamp(p.Y, 0, h - 1), fz = Math.Clamp(p.Z, 0, d - 1);
                        int x0 = (int)fx, y0 = (int)fy, z0 = (int)fz;
                        int x1 = Math.Min(x0 + 1, w - 1), y1 = Math.Min(y0 + 1, h - 1), z1 = Math.Min(z0 + 1, d - 1);
                        double ax = fx - x0, ay = fy - y0, az = fz - z0;
                        for (int cc = 0; cc < c; cc++)
                        {
                            double V(int x, int y, int z) => double.CreateTruncating(src[frame + (((long)z * h + y) * w + x) * c + cc]);
                            double c00 = V(x0, y0, z0) * (1 - ax) + V(x1, y0, z0) * ax, c10 = V(x0, y1, z0) * (1 - ax) + V(x1, y1, z0) * ax;
                            double c01 = V(x0, y0, z1) * (1 - ax) + V(x1, y0, z1) * ax, c11 = V(x0, y1, z1) * (1 - ax) + V(x1, y1, z1) * ax;
                            lin![o++] = (float)((c00 * (1 - ay) + c10 * ay) * (1 - az) + (c01 * (1 - ay) + c11 * ay) * az);
                        }
                    }
                }
        }
        return near is not null ? near : lin!;
    }
}
