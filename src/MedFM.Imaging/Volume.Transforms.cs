using MedFM.Imaging.Geometry;

namespace MedFM.Imaging;

/// <summary>Axis flips and permutations, reorientation, crop and pad. Each keeps every voxel's world position.</summary>
public partial class Volume
{
    /// <summary>Reverses spatial axis 0 (i), 1 (j) or 2 (k); the direction column is negated and the origin moved to the old last voxel.</summary>
    public Volume Flip(int axis)
    {
        CheckAxis(axis);
        int n = Shape.Size(axis);
        var tables = IdentityTables();
        for (int x = 0; x < n; x++) tables[axis][x] = n - 1 - x;
        var shape = Shape;
        var g = Geometry;
        var origin = g.IndexToWorld(new Vector3d(0, 0, 0).With(axis, n - 1));
        var dir = g.Direction.WithColumn(axis, -g.Direction.Column(axis));
        var geometry = new ImageGeometry(origin, g.Spacing, dir, g.Frame, g.IsKnown);
        return CreateLike(shape, VoxelGather.Run(this, shape, [0, 1, 2], tables, 0), geometry);
    }

    /// <summary>
    /// Reorders the spatial axes: new axis n is old axis <c>order[n]</c> (e.g. (2, 1, 0) swaps i and k).
    /// Spacing and direction columns follow their axes; the origin (voxel 0) is unchanged.
    /// </summary>
    public Volume Permute(int a0, int a1, int a2)
    {
        int[] order = [a0, a1, a2];
        foreach (var a in order) CheckAxis(a);
        if (a0 == a1 || a0 == a2 || a1 == a2) throw new ArgumentException($"({a0}, {a1}, {a2}) is not a permutation of (0, 1, 2)");
        var shape = Shape.WithSize(Shape.Size(a0), Shape.Size(a1), Shape.Size(a2));
        var tables = new int[3][];
        for (int n = 0; n < 3; n++) tables[n] = Identity(shape.Size(n));
        var g = Geometry;
        var geometry = new ImageGeometry(g.Origin,
            new Vector3d(g.Spacing[a0], g.Spacing[a1], g.Spacing[a2]),
            Matrix3d.FromColumns(g.Direction.Column(a0), g.Direction.Column(a1), g.Direction.Column(a2)), g.Frame, g.IsKnown);
        return CreateLike(shape, VoxelGather.Run(this, shape, order, tables, 0), geometry);
    }

    /// <summary>
    /// Permutes and flips the axes so that they point, as closely as the grid allows, toward the letters of
    /// <paramref name="code"/> (e.g. "RAS", "LPS", "LPI"; nibabel's convention: each letter is where the axis points).
    /// No interpolation: voxels are moved, not resampled. The frame of the geometry is kept.
    /// </summary>
    public Volume Reorient(string code)
    {
        var target = Orientation.ParseCode(code, Geometry.Frame);
        var current = Orientation.ClosestAxes(Geometry.Direction);
        int[] order = new int[3];
        bool[] flip = new bool[3];
        for (int n = 0; n < 3; n++)
        {
            int old = Array.FindIndex(current, a => a.WorldAxis == target[n].WorldAxis);
            order[n] = old;
            flip[n] = current[old].Sign != target[n].Sign;
        }
        var v = order is [0, 1, 2] ? this : Permute(order[0], order[1], order[2]);
        for (int n = 0; n < 3; n++)
            if (flip[n]) v = v.Flip(n);
        return ReferenceEquals(v, this) ? Clone() : v;
    }

    /// <summary>
    /// The closest canonical orientation in a frame: RAS+ for <see cref="AnatomicalFrame.Ras"/> (nibabel's
    /// as_closest_canonical), LPS+ for <see cref="AnatomicalFrame.Lps"/>. The result's geometry is expressed in
    /// <paramref name="frame"/>. A volume of unknown geometry is returned unchanged (relabelled).
    /// </summary>
    public Volume ToCanonical(AnatomicalFrame frame)
    {
        var inFrame = WithGeometry(Geometry.InFrame(frame));
        if (!Geometry.IsKnown) return inFrame;
        return inFrame.Reorient(frame == AnatomicalFrame.Ras ? "RAS" : "LPS");
    }

    /// <summary>The sub-volume starting at (i0, j0, k0) of the given size; it must lie inside the volume.</summary>
    public Volume Crop(int i0, int j0, int k0, int width, int height, int depth)
    {
        if (i0 < 0 || j0 < 0 || k0 < 0 || width < 1 || height < 1 || depth < 1
            || (long)i0 + width > Width || (long)j0 + height > Height || (long)k0 + depth > Depth)
            throw new ArgumentOutOfRangeException(nameof(i0),
                $"crop [{i0}+{width}, {j0}+{height}, {k0}+{depth}] does not lie inside {Shape}");
        return Extract(i0, j0, k0, width, height, depth, 0);
    }

    /// <summary>Adds <paramref name="before"/> and <paramref name="after"/> voxels on each axis, filled with <paramref name="value"/>.</summary>
    public Volume Pad((int I, int J, int K) before, (int I, int J, int K) after, double value = 0)
    {
        if (before.I < 0 || before.J < 0 || before.K < 0 || after.I < 0 || after.J < 0 || after.K < 0)
            throw new ArgumentOutOfRangeException(nameof(before), "padding must be non-negative");
        return Extract(-before.I, -before.J, -before.K,
            Width + before.I + after.I, Height + before.J + after.J, Depth + before.K + after.K, value);
    }

    /// <summary>
    /// The box starting at (i0, j0, k0) of the given size, which may reach outside the volume (filled with
    /// <paramref name="fill"/>): crop and pad in one. The new origin is the world position of (i0, j0, k0).
    /// </summary>
    public Volume Extract(int i0, int j0, int k0, int width, int height, int depth, double fill = 0)
    {
        var shape = Shape.WithSize(width, height, depth);
        int[] start = [i0, j0, k0];
        var tables = new int[3][];
        for (int n = 0; n < 3; n++)
        {
            int size = shape.Size(n), limit = Shape.Size(n);
            tables[n] = new int[size];
            for (int x = 0; x < size; x++)
            {
                long s = (long)start[n] + x;
                tables[n][x] = s >= 0 && s < limit ? (int)s : -1;
            }
        }
        var geometry = Geometry.WithOrigin(Geometry.IndexToWorld(i0, j0, k0));
        return CreateLike(shape, VoxelGather.Run(this, shape, [0, 1, 2], tables, fill), geometry);
    }

    private int[][] IdentityTables() => [Identity(Width), Identity(Height), Identity(Depth)];

    private static int[] Identity(int n)
    {
        var t = new int[n];
        for (int x = 0; x < n; x++) t[x] = x;
        return t;
    }

    private static void CheckAxis(int axis)
    {
        if ((uint)axis > 2) throw new ArgumentOutOfRangeException(nameof(axis), axis, "spatial axis must be 0, 1 or 2");
    }
}
