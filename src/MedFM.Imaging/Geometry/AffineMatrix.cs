using System.Globalization;

namespace MedFM.Imaging.Geometry;

/// <summary>
/// A 4×4 homogeneous affine [[L, t], [0 0 0 1]] mapping voxel indices (i, j, k) to world coordinates,
/// stored as its 3×3 linear part and its translation.
/// </summary>
public readonly struct AffineMatrix : IEquatable<AffineMatrix>
{
    public AffineMatrix(Matrix3d linear, Vector3d translation) { Linear = linear; Translation = translation; }

    public Matrix3d Linear { get; }
    public Vector3d Translation { get; }

    public static AffineMatrix Identity => new(Matrix3d.Identity, Vector3d.Zero);

    /// <summary>Element of the 4×4 matrix (row 3 is 0 0 0 1).</summary>
    public double this[int row, int column]
    {
        get
        {
            if ((uint)row > 3 || (uint)column > 3)
                throw new ArgumentOutOfRangeException(nameof(row), $"({row}, {column}) is outside a 4×4 matrix");
            if (row == 3) return column == 3 ? 1 : 0;
            return column == 3 ? Translation[row] : Linear[row, column];
        }
    }

    /// <summary>Applies the affine to a point: L·p + t.</summary>
    public Vector3d Apply(Vector3d p) => Linear * p + Translation;

    public AffineMatrix Inverse()
    {
        var inv = Linear.Inverse();
        return new AffineMatrix(inv, -(inv * Translation));
    }

    /// <summary>Composition: (a * b)(p) = a(b(p)).</summary>
    public static AffineMatrix operator *(AffineMatrix a, AffineMatrix b) =>
        new(a.Linear * b.Linear, a.Linear * b.Translation + a.Translation);

    /// <summary>A new 4×4 array (row-major, last row 0 0 0 1).</summary>
    public double[,] ToArray()
    {
        var a = new double[4, 4];
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                a[r, c] = this[r, c];
        return a;
    }

    /// <summary>Builds an affine from a 4×4 (or 3×4) array; the last row of a 4×4 must be 0 0 0 1.</summary>
    public static AffineMatrix FromArray(double[,] a)
    {
        ArgumentNullException.ThrowIfNull(a);
        int rows = a.GetLength(0);
        if (a.GetLength(1) != 4 || (rows != 4 && rows != 3))
            throw new GeometryException($"an affine must be 4×4 or 3×4, found {rows}×{a.GetLength(1)}");
        if (rows == 4 && (a[3, 0] != 0 || a[3, 1] != 0 || a[3, 2] != 0 || a[3, 3] != 1))
            throw new GeometryException($"the last affine row must be 0 0 0 1, found {a[3, 0]} {a[3, 1]} {a[3, 2]} {a[3, 3]}");
        var linear = new Matrix3d(a[0, 0], a[0, 1], a[0, 2], a[1, 0], a[1, 1], a[1, 2], a[2, 0], a[2, 1], a[2, 2]);
        return new AffineMatrix(linear, new Vector3d(a[0, 3], a[1, 3], a[2, 3]));
    }

    public double MaxAbsDifference(AffineMatrix o) =>
        Math.Max(Linear.MaxAbsDifference(o.Linear), Translation.MaxAbsDifference(o.Translation));

    public bool Equals(AffineMatrix o) => Linear == o.Linear && Translation == o.Translation;
    public override bool Equals(object? obj) => obj is AffineMatrix m && Equals(m);
    public override int GetHashCode() => HashCode.Combine(Linear, Translation);
    public static bool operator ==(AffineMatrix a, AffineMatrix b) => a.Equals(b);
    public static bool operator !=(AffineMatrix a, AffineMatrix b) => !a.Equals(b);

    public override string ToString()
    {
        var ic = CultureInfo.InvariantCulture;
        var rows = new string[4];
        for (int r = 0; r < 4; r++)
            rows[r] = string.Create(ic, $"{this[r, 0]:G9} {this[r, 1]:G9} {this[r, 2]:G9} {this[r, 3]:G9}");
        return string.Join("; ", rows);
    }
}
