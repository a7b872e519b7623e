using System.Globalization;

namespace MedFM.Imaging.Geometry;

/// <summary>An immutable 3-vector of doubles (world positions, spacings, index coordinates).</summary>
public readonly struct Vector3d : IEquatable<Vector3d>
{
    public Vector3d(double x, double y, double z) { X = x; Y = y; Z = z; }

    public double X { get; }
    public double Y { get; }
    public double Z { get; }

    public static Vector3d Zero => new(0, 0, 0);
    public static Vector3d One => new(1, 1, 1);

    /// <summary>Component by index: 0 → X, 1 → Y, 2 → Z.</summary>
    public double this[int axis] => axis switch
    {
        0 => X,
        1 => Y,
        2 => Z,
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "axis must be 0, 1 or 2"),
    };

    public double Norm => Math.Sqrt(X * X + Y * Y + Z * Z);

    public Vector3d Normalized()
    {
        double n = Norm;
        return n == 0 ? this : new Vector3d(X / n, Y / n, Z / n);
    }

    public double Dot(Vector3d o) => X * o.X + Y * o.Y + Z * o.Z;

    public Vector3d Cross(Vector3d o) => new(Y * o.Z - Z * o.Y, Z * o.X - X * o.Z, X * o.Y - Y * o.X);

    /// <summary>Component-wise product.</summary>
    public Vector3d Scale(Vector3d o) => new(X * o.X, Y * o.Y, Z * o.Z);

    /// <summary>A copy with one component replaced.</summary>
    public Vector3d With(int axis, double value) => axis switch
    {
        0 => new(value, Y, Z),
        1 => new(X, value, Z),
        2 => new(X, Y, value),
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "axis must be 0, 1 or 2"),
    };

    public bool IsFinite => double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(Z);

    public double MaxAbsDifference(Vector3d o) =>
        Math.Max(Math.Abs(X - o.X), Math.Max(Math.Abs(Y - o.Y), Math.Abs(Z - o.Z)));

    public static Vector3d operator +(Vector3d a, Vector3d b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static Vector3d operator -(Vector3d a, Vector3d b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static Vector3d operator -(Vector3d a) => new(-a.X, -a.Y, -a.Z);
    public static Vector3d operator *(Vector3d a, double s) => new(a.X * s, a.Y * s, a.Z * s);
    public static Vector3d operator *(double s, Vector3d a) => new(a.X * s, a.Y * s, a.Z * s);
    public static bool operator ==(Vector3d a, Vector3d b) => a.Equals(b);
    public static bool operator !=(Vector3d a, Vector3d b) => !a.Equals(b);

    public bool Equals(Vector3d other) => X.Equals(other.X) && Y.Equals(other.Y) && Z.Equals(other.Z);
    public override bool Equals(object? obj) => obj is Vector3d v && Equals(v);
    public override int GetHashCode() => HashCode.Combine(X, Y, Z);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"({X:G9}, {Y:G9}, {Z:G9})");
}
