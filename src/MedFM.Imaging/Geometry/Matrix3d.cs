using System.Globalization;

namespace MedFM.Imaging.Geometry;

/// <summary>An immutable 3×3 matrix of doubles, stored row-major (M[row, column]).</summary>
public readonly struct Matrix3d : IEquatable<Matrix3d>
{
    private readonly double _m00, _m01, _m02, _m10, _m11, _m12, _m20, _m21, _m22;

    public Matrix3d(double m00, double m01, double m02,
                    double m10, double m11, double m12,
                    double m20, double m21, double m22)
    {
        _m00 = m00; _m01 = m01; _m02 = m02;
        _m10 = m10; _m11 = m11; _m12 = m12;
        _m20 = m20; _m21 = m21; _m22 = m22;
    }

    public static Matrix3d Identity => new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    public static Matrix3d Diagonal(Vector3d d) => new(d.X, 0, 0, 0, d.Y, 0, 0, 0, d.Z);

    /// <summary>The matrix whose columns are the given vectors.</summary>
    public static Matrix3d FromColumns(Vector3d c0, Vector3d c1, Vector3d c2) =>
        new(c0.X, c1.X, c2.X, c0.Y, c1.Y, c2.Y, c0.Z, c1.Z, c2.Z);

    /// <summary>The matrix whose rows are the given vectors.</summary>
    public static Matrix3d FromRows(Vector3d r0, Vector3d r1, Vector3d r2) =>
        new(r0.X, r0.Y, r0.Z, r1.X, r1.Y, r1.Z, r2.X, r2.Y, r2.Z);

    public double this[int row, int column] => (row, column) switch
    {
        (0, 0) => _m00, (0, 1) => _m01, (0, 2) => _m02,
        (1, 0) => _m10, (1, 1) => _m11, (1, 2) => _m12,
        (2, 0) => _m20, (2, 1) => _m21, (2, 2) => _m22,
        _ => throw new ArgumentOutOfRangeException(nameof(row), $"({row}, {column}) is outside a 3×3 matrix"),
    };

    public Vector3d Column(int c) => new(this[0, c], this[1, c], this[2, c]);

    public Vector3d Row(int r) => new(this[r, 0], this[r, 1], this[r, 2]);

    public Matrix3d Transpose() => new(_m00, _m10, _m20, _m01, _m11, _m21, _m02, _m12, _m22);

    public double Determinant =>
        _m00 * (_m11 * _m22 - _m12 * _m21)
      - _m01 * (_m10 * _m22 - _m12 * _m20)
      + _m02 * (_m10 * _m21 - _m11 * _m20);

    /// <summary>The inverse; throws <see cref="GeometryException"/> when the matrix is singular.</summary>
    public Matrix3d Inverse()
    {
        double det = Determinant;
        double scale = Math.Max(Column(0).Norm * Column(1).Norm * Column(2).Norm, double.Epsilon);
        if (!double.IsFinite(det) || Math.Abs(det) <= 1e-12 * scale)
            throw new GeometryException($"matrix {this} is singular (determinant {det:G6}) and has no inverse");
        double inv = 1.0 / det;
        return new Matrix3d(
            (_m11 * _m22 - _m12 * _m21) * inv, (_m02 * _m21 - _m01 * _m22) * inv, (_m01 * _m12 - _m02 * _m11) * inv,
            (_m12 * _m20 - _m10 * _m22) * inv, (_m00 * _m22 - _m02 * _m20) * inv, (_m02 * _m10 - _m00 * _m12) * inv,
            (_m10 * _m21 - _m11 * _m20) * inv, (_m01 * _m20 - _m00 * _m21) * inv, (_m00 * _m11 - _m01 * _m10) * inv);
    }

    /// <summary>A copy with column <paramref name="c"/> replaced.</summary>
    public Matrix3d WithColumn(int c, Vector3d v)
    {
        var c0 = c == 0 ? v : Column(0);
        var c1 = c == 1 ? v : Column(1);
        var c2 = c == 2 ? v : Column(2);
        return FromColumns(c0, c1, c2);
    }

    public bool IsFinite => Row(0).IsFinite && Row(1).IsFinite && Row(2).IsFinite;

    public double MaxAbsDifference(Matrix3d o) => Math.Max(
        Row(0).MaxAbsDifference(o.Row(0)), Math.Max(Row(1).MaxAbsDifference(o.Row(1)), Row(2).MaxAbsDifference(o.Row(2))));

    public static Vector3d operator *(Matrix3d m, Vector3d v) => new(
        m._m00 * v.X + m._m01 * v.Y + m._m02 * v.Z,
        m._m10 * v.X + m._m11 * v.Y + m._m12 * v.Z,
        m._m20 * v.X + m._m21 * v.Y + m._m22 * v.Z);

    public static Matrix3d operator *(Matrix3d a, Matrix3d b) =>
        FromColumns(a * b.Column(0), a * b.Column(1), a * b.Column(2));

    public static Matrix3d operator *(Matrix3d a, double s) => new(
        a._m00 * s, a._m01 * s, a._m02 * s, a._m10 * s, a._m11 * s, a._m12 * s, a._m20 * s, a._m21 * s, a._m22 * s);

    public static bool operator ==(Matrix3d a, Matrix3d b) => a.Equals(b);
    public static bool operator !=(Matrix3d a, Matrix3d b) => !a.Equals(b);

    public bool Equals(Matrix3d o) => Row(0) == o.Row(0) && Row(1) == o.Row(1) && Row(2) == o.Row(2);
    public override bool Equals(object? obj) => obj is Matrix3d m && Equals(m);
    public override int GetHashCode() => HashCode.Combine(Row(0), Row(1), Row(2));

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[{Row(0)}, {Row(1)}, {Row(2)}]");
}
