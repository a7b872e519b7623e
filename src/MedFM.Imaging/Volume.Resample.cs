using MedFM.Imaging.Geometry;

namespace MedFM.Imaging;

/// <summary>
/// Resampling to a new grid size or spacing. Voxels are boxes: the field of view [−0.5, n − 0.5] of each axis
/// is kept (the half-pixel convention of skimage.transform.resize and PyTorch's align_corners=False), so output
/// voxel x reads source position (x + 0.5)·scale − 0.5, clamped to the volume. Images default to
/// <see cref="Interpolation.Linear"/> (Float32 output); a <see cref="LabelVolume"/> is always nearest-neighbour.
/// </summary>
public partial class Volume
{
    /// <summary>Resamples to the given grid size; the spacing becomes old·n/n′ and the box of the volume is kept.</summary>
    public Volume Resample(int width, int height, int depth, Interpolation mode = Interpolation.Linear)
    {
        var shape = Shape.WithSize(width, height, depth);
        var scale = new Vector3d((double)Width / width, (double)Height / height, (double)Depth / depth);
        return ResampleScaled(shape, scale, mode);
    }

    /// <summary>
    /// Resamples to a new spacing (world units): size n′ = max(1, round(n·s/s′)) per axis, exact new spacing,
    /// voxel centres laid from the start of the original box.
    /// </summary>
    public Volume ResampleToSpacing(Vector3d spacing, Interpolation mode = Interpolation.Linear)
    {
        if (!spacing.IsFinite || spacing.X <= 0 || spacing.Y <= 0 || spacing.Z <= 0)
            throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "spacing must be finite and positive");
        var s = Geometry.Spacing;
        int Size(int a) => (int)Math.Clamp(Math.Round(Shape.Size(a) * s[a] / spacing[a], MidpointRounding.AwayFromZero), 1, int.MaxValue / 4);
        var shape = Shape.WithSize(Size(0), Size(1), Size(2));
        if (shape.ElementCount > Array.MaxLength)
            throw new VolumeShapeException($"resampling {Shape} to spacing {spacing} gives {shape}, too large");
        var scale = new Vector3d(spacing.X / s.X, spacing.Y / s.Y, spacing.Z / s.Z);
        return ResampleScaled(shape, scale, mode);
    }

    private Volume ResampleScaled(VolumeShape shape, Vector3d scale, Interpolation mode)
    {
        var start = new Vector3d(0.5 * scale.X - 0.5, 0.5 * scale.Y - 0.5, 0.5 * scale.Z - 0.5);
        var g = Geometry;
        var geometry = new ImageGeometry(g.IndexToWorld(start), g.Spacing.Scale(scale), g.Direction, g.Frame, g.IsKnown);
        if (mode == Interpolation.Nearest || this is LabelVolume)
        {
            var tables = new int[3][];
            for (int a = 0; a < 3; a++) tables[a] = NearestTable(Shape.Size(a), shape.Size(a), scale[a]);
            return CreateLike(shape, VoxelGather.Run(this, shape, [0, 1, 2], tables, 0), geometry);
        }
        var data = ToFloat32();
        var cur = Shape;
        for (int a = 0; a < 3; a++)
        {
            if (cur.Size(a) == shape.Size(a) && scale[a] == 1) continue;
            var next = a switch
            {
                0 => cur.WithSize(shape.Width, cur.Height, cur.Depth),
                1 => cur.WithSize(cur.Width, shape.Height, cur.Depth),
                _ => cur.WithSize(cur.Width, cur.Height, shape.Depth),
            };
            data = LinearPass(data, cur, next, a, scale[a]);
            cur = next;
        }
        return new Volume(shape, data, geometry);
    }

    private static int[] NearestTable(int n, int m, double scale)
    {
        var t = new int[m];
        for (int x = 0; x < m; x++)
            t[x] = (int)Math.Clamp(Math.Floor((x + 0.5) * scale), 0, n - 1);
        return t;
    }

    /// <summary>One separable linear pass along <paramref name="axis"/>; product of the three passes = trilinear.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static float[] LinearPass(float[] src, VolumeShape from, VolumeShape to, int axis, double scale)
    {
        int n = from.Size(axis), m = to.Size(axis);
        var i0 = new int[m]; var i1 = new int[m]; var w = new float[m];
        for (int x = 0; x < m; x++)
        {
            double p = Math.Clamp((x + 0.5) * scale - 0.5, 0, n - 1);
            int f = (int)Math.Floor(p);
            i0[x] = f; i1[x] = Math.Min(f + 1, n - 1); w[x] = (float)(p - f);
        }
        var dst = new float[to.ElementCount];
        int c = from.Components;
        // Treat the array as [outer][n][inner] with inner = elements below the axis.
        long inner = axis switch { 0 => c, 1 => (long)from.Width * c, _ => (long)from.Width * from.Height * c };
        long outer = from.ElementCount / (inner * n);
        if (inner == 1)
        {
            for (long o = 0; o < outer; o++)
            {
                var a = src.AsSpan((int)(o * n), n);
                var d = dst.AsSpan((int)(o * m), m);
                for (int x = 0; x < m; x++) d[x] = a[i0[x]] * (1 - w[x]) + a[i1[x]] * w[x];
            }
            return dst;
        }
        for (long o = 0; o < outer; o++)
        {
            long sBase = o * n * inner, dBase = o * m * inner;
            for (int x = 0; x < m; x++)
            {
                var a = src.AsSpan((int)(sBase + i0[x] * inner), (int)inner);
                var b = src.AsSpan((int)(sBase + i1[x] * inner), (int)inner);
                var d = dst.AsSpan((int)(dBase + x * inner), (int)inner);
                float wb = w[x], wa = 1 - wb;
                for (int e = 0; e < d.Length; e++) d[e] = a[e] * wa + b[e] * wb;
            }
        }
        return dst;
    }
}
