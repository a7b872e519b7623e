namespace MedFM.Imaging.Geometry;

/// <summary>
/// Orientation letters and closest-axis matching for direction matrices.
/// Letters name the direction an index axis points toward (nibabel's aff2axcodes convention):
/// R/L, A/P, S/I. Closest axes follow nibabel's io_orientation (nibabel/orientations.py): the direction
/// is first replaced by its nearest orthogonal matrix (polar decomposition), then each index axis in turn
/// takes the remaining world axis with the largest absolute component.
/// </summary>
public static class Orientation
{
    /// <summary>For each index axis (i, j, k): the closest world axis (0, 1, 2) and the sign (+1/−1) along it.</summary>
    public static (int WorldAxis, int Sign)[] ClosestAxes(Matrix3d direction)
    {
        var r = NearestOrthogonal(direction);
        var m = new double[3, 3];
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                m[a, b] = r[a, b];
        var result = new (int, int)[3];
        for (int inAxis = 0; inAxis < 3; inAxis++)
        {
            int best = 0;
            for (int w = 1; w < 3; w++)
                if (Math.Abs(m[w, inAxis]) > Math.Abs(m[best, inAxis])) best = w;
            result[inAxis] = (best, m[best, inAxis] < 0 ? -1 : 1);
            for (int c = 0; c < 3; c++) m[best, c] = 0;
        }
        return result;
    }

    /// <summary>The three-letter code of a direction matrix in a frame, e.g. "RAS" or "LPS".</summary>
    public static string CodeOf(Matrix3d direction, AnatomicalFrame frame)
    {
        var axes = ClosestAxes(direction);
        return new string([Letter(axes[0].WorldAxis, axes[0].Sign, frame),
                           Letter(axes[1].WorldAxis, axes[1].Sign, frame),
                           Letter(axes[2].WorldAxis, axes[2].Sign, frame)]);
    }

    /// <summary>The letter of the world direction (axis, sign) in a frame.</summary>
    public static char Letter(int worldAxis, int sign, AnatomicalFrame frame)
    {
        bool positive = sign > 0;
        return (worldAxis, frame) switch
        {
            (0, AnatomicalFrame.Ras) => positive ? 'R' : 'L',
            (1, AnatomicalFrame.Ras) => positive ? 'A' : 'P',
            (0, AnatomicalFrame.Lps) => positive ? 'L' : 'R',
            (1, AnatomicalFrame.Lps) => positive ? 'P' : 'A',
            (2, _) => positive ? 'S' : 'I',
            _ => throw new ArgumentOutOfRangeException(nameof(worldAxis), worldAxis, "world axis must be 0, 1 or 2"),
        };
    }

    /// <summary>The world axis and sign a letter denotes in a frame; throws <see cref="GeometryException"/> for others.</summary>
    public static (int WorldAxis, int Sign) ParseLetter(char letter, AnatomicalFrame frame)
    {
        int flip = frame == AnatomicalFrame.Ras ? 1 : -1;
        return char.ToUpperInvariant(letter) switch
        {
            'R' => (0, flip),
            'L' => (0, -flip),
            'A' => (1, flip),
            'P' => (1, -flip),
            'S' => (2, 1),
            'I' => (2, -1),
            _ => throw new GeometryException($"'{letter}' is not an orientation letter (R, L, A, P, S, I)"),
        };
    }

    /// <summary>Parses a three-letter code such as "RAS" into (world axis, sign) per index axis; checks each world axis appears once.</summary>
    public static (int WorldAxis, int Sign)[] ParseCode(string code, AnatomicalFrame frame)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length != 3) throw new GeometryException($"orientation code '{code}' must have three letters");
        var axes = new (int, int)[3];
        bool[] seen = new bool[3];
        for (int a = 0; a < 3; a++)
        {
            axes[a] = ParseLetter(code[a], frame);
            if (seen[axes[a].Item1]) throw new GeometryException($"orientation code '{code}' names a world axis twice");
            seen[axes[a].Item1] = true;
        }
        return axes;
    }

    /// <summary>The nearest orthogonal matrix: D (DᵀD)^(-1/2), the orthogonal factor of the polar decomposition.</summary>
    public static Matrix3d NearestOrthogonal(Matrix3d d)
    {
        var m = d.Transpose() * d;
        var (values, vectors) = SymmetricEigen(m);
        var invSqrt = Matrix3d.Diagonal(new Vector3d(
            1 / Math.Sqrt(Math.Max(values.X, 1e-300)),
            1 / Math.Sqrt(Math.Max(values.Y, 1e-300)),
            1 / Math.Sqrt(Math.Max(values.Z, 1e-300))));
        return d * (vectors * invSqrt * vectors.Transpose());
    }

    /// <summary>Eigenvalues and eigenvectors (columns) of a symmetric 3×3 matrix by cyclic Jacobi rotations.</summary>
    internal static (Vector3d Values, Matrix3d Vectors) SymmetricEigen(Matrix3d s)
    {
        var a = new double[3, 3];
        var v = new double[3, 3] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                a[r, c] = s[r, c];
        for (int sweep = 0; sweep < 50; sweep++)
        {
            double off = a[0, 1] * a[0, 1] + a[0, 2] * a[0, 2] + a[1, 2] * a[1, 2];
            if (off < 1e-30) break;
            for (int p = 0; p < 2; p++)
                for (int q = p + 1; q < 3; q++)
                    Rotate(a, v, p, q);
        }
        return (new Vector3d(a[0, 0], a[1, 1], a[2, 2]),
                new Matrix3d(v[0, 0], v[0, 1], v[0, 2], v[1, 0], v[1, 1], v[1, 2], v[2, 0], v[2, 1], v[2, 2]));
    }

    private static void Rotate(double[,] a, double[,] v, int p, int q)
    {
        if (Math.Abs(a[p, q]) < 1e-300) return;
        double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
        double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < 3; k++)
        {
            double akp = a[k, p], akq = a[k, q];
            a[k, p] = c * akp - s * akq;
            a[k, q] = s * akp + c * akq;
        }
        for (int k = 0; k < 3; k++)
        {
            double apk = a[p, k], aqk = a[q, k];
            a[p, k] = c * apk - s * aqk;
            a[q, k] = s * apk + c * aqk;
        }
        for (int k = 0; k < 3; k++)
        {
            double vkp = v[k, p], vkq = v[k, q];
            v[k, p] = c * vkp - s * vkq;
            v[k, q] = s * vkp + c * vkq;
        }
    }
}
