using MedFM.Imaging.Geometry;

namespace MedFM.Imaging.Nifti;

/// <summary>
/// The NIfTI voxel-to-world transforms, following nibabel exactly (nibabel/nifti1.py get_best_affine, get_qform,
/// get_sform; nibabel/analyze.py get_base_affine; nibabel/quaternions.py) and the NIfTI-1 standard (nifti1.h):
/// sform when sform_code ≠ 0, else qform when qform_code ≠ 0, else the base affine. As nibabel fixes headers on
/// load, qfac (pixdim[0]) other than ±1 counts as 1, and zero/negative pixdim[1..3] count as 1/|pixdim|;
/// xform codes outside 0..5 count as 0.
/// </summary>
public static class NiftiTransforms
{
    /// <summary>nibabel's Nifti1Header.quaternion_threshold: −3·float32 eps.</summary>
    private const double QuaternionThreshold = -3 * 1.1920928955078125e-07;

    /// <summary>The affine nibabel's get_best_affine returns; <paramref name="source"/> says which transform.</summary>
    public static AffineMatrix BestAffine(NiftiHeader h, out NiftiAffineSource source)
    {
        if (ValidCode(h.SformCode) != 0) { source = NiftiAffineSource.Sform; return Sform(h); }
        if (ValidCode(h.QformCode) != 0) { source = NiftiAffineSource.Qform; return Qform(h); }
        source = NiftiAffineSource.Base;
        return Base(h);
    }

    /// <summary>An xform code as nibabel reads it: values outside 0..5 become 0.</summary>
    public static int ValidCode(int code) => code is >= 0 and <= 5 ? code : 0;

    /// <summary>The sform rows srow_x, srow_y, srow_z.</summary>
    public static AffineMatrix Sform(NiftiHeader h) => new(
        new Matrix3d(h.SrowX[0], h.SrowX[1], h.SrowX[2], h.SrowY[0], h.SrowY[1], h.SrowY[2], h.SrowZ[0], h.SrowZ[1], h.SrowZ[2]),
        new Vector3d(h.SrowX[3], h.SrowY[3], h.SrowZ[3]));

    /// <summary>R(quaternion) · diag(pixdim[1], pixdim[2], qfac·pixdim[3]) with translation qoffset.</summary>
    public static AffineMatrix Qform(NiftiHeader h)
    {
        double b = h.QuaternB, c = h.QuaternC, d = h.QuaternD;
        double w2 = 1.0 - (b * b + c * c + d * d);
        double a;
        if (w2 < 0)
        {
            if (w2 < QuaternionThreshold)
                throw new GeometryException($"qform quaternion (b, c, d) = ({b}, {c}, {d}) has b² + c² + d² > 1");
            a = 0;
        }
        else a = Math.Sqrt(w2);
        var r = QuaternionToMatrix(a, b, c, d);
        double qfac = h.PixDim[0] == -1 ? -1 : 1;
        var zooms = SpatialZooms(h);
        var m = r * Matrix3d.Diagonal(new Vector3d(zooms.X, zooms.Y, zooms.Z * qfac));
        return new AffineMatrix(m, new Vector3d(h.QOffsetX, h.QOffsetY, h.QOffsetZ));
    }

    /// <summary>nibabel's base affine: diag(−pixdim1, pixdim2, pixdim3) centred on the grid (shape_zoom_affine, x flipped).</summary>
    public static AffineMatrix Base(NiftiHeader h)
    {
        var z = SpatialZooms(h);
        var zooms = new Vector3d(-z.X, z.Y, z.Z);
        var shape = new Vector3d(h.DimOrOne(1), h.DimOrOne(2), h.DimOrOne(3));
        int ndim = h.NDim;
        // Only the first ndim zooms are used; missing ones are 1 (nibabel pads shape and zooms to 3).
        if (ndim < 2) zooms = zooms.With(1, 1);
        if (ndim < 3) zooms = zooms.With(2, 1);
        var origin = new Vector3d((shape.X - 1) / 2, (shape.Y - 1) / 2, (shape.Z - 1) / 2);
        return new AffineMatrix(Matrix3d.Diagonal(zooms), -origin.Scale(zooms));
    }

    /// <summary>pixdim[1..3] as nibabel fixes them: 0 → 1, negative → absolute value.</summary>
    public static Vector3d SpatialZooms(NiftiHeader h)
    {
        static double Fix(double v) => v == 0 || !double.IsFinite(v) ? 1 : Math.Abs(v);
        return new Vector3d(Fix(h.PixDim[1]), Fix(h.PixDim[2]), Fix(h.PixDim[3]));
    }

    /// <summary>Rotation matrix of the quaternion (w, x, y, z) (nibabel/quaternions.py quat2mat).</summary>
    public static Matrix3d QuaternionToMatrix(double w, double x, double y, double z)
    {
        double nq = w * w + x * x + y * y + z * z;
        if (nq < 2.220446049250313e-16) return Matrix3d.Identity;
        double s = 2.0 / nq;
        double xs = x * s, ys = y * s, zs = z * s;
        double wx = w * xs, wy = w * ys, wz = w * zs, xx = x * xs, xy = x * ys, xz = x * zs, yy = y * ys, yz = y * zs, zz = z * zs;
        return new Matrix3d(
            1.0 - (yy + zz), xy - wz, xz + wy,
            xy + wz, 1.0 - (xx + zz), yz - wx,
            xz - wy, yz + wx, 1.0 - (xx + yy));
    }

    /// <summary>
    /// The qform parameters of an affine (nibabel set_qform): zooms = column norms, qfac = −1 when the
    /// normalised matrix has a negative determinant (its last column is then negated), the nearest rotation,
    /// and its quaternion with w ≥ 0.
    /// </summary>
    public static (double B, double C, double D, double Qfac, Vector3d Zooms) QformParameters(AffineMatrix affine)
    {
        var l = affine.Linear;
        var zooms = new Vector3d(l.Column(0).Norm, l.Column(1).Norm, l.Column(2).Norm);
        var r = Matrix3d.FromColumns(l.Column(0) * (1 / zooms.X), l.Column(1) * (1 / zooms.Y), l.Column(2) * (1 / zooms.Z));
        double qfac = 1;
        if (r.Determinant < 0) { qfac = -1; r = r.WithColumn(2, -r.Column(2)); }
        r = Orientation.NearestOrthogonal(r);
        var (w, x, y, z) = MatrixToQuaternion(r);
        if (w < 0) { x = -x; y = -y; z = -z; }
        return (x, y, z, qfac, zooms);
    }

    /// <summary>Quaternion (w, x, y, z) of a rotation matrix (Shepperd's method, numerically stable).</summary>
    public static (double W, double X, double Y, double Z) MatrixToQuaternion(Matrix3d m)
    {
        double trace = m[0, 0] + m[1, 1] + m[2, 2];
        double w, x, y, z;
        if (trace > 0)
        {
            double s = Math.Sqrt(trace + 1.0) * 2;
            w = 0.25 * s; x = (m[2, 1] - m[1, 2]) / s; y = (m[0, 2] - m[2, 0]) / s; z = (m[1, 0] - m[0, 1]) / s;
        }
        else if (m[0, 0] > m[1, 1] && m[0, 0] > m[2, 2])
        {
            double s = Math.Sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2]) * 2;
            w = (m[2, 1] - m[1, 2]) / s; x = 0.25 * s; y = (m[0, 1] + m[1, 0]) / s; z = (m[0, 2] + m[2, 0]) / s;
        }
        else if (m[1, 1] > m[2, 2])
        {
            double s = Math.Sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2]) * 2;
            w = (m[0, 2] - m[2, 0]) / s; x = (m[0, 1] + m[1, 0]) / s; y = 0.25 * s; z = (m[1, 2] + m[2, 1]) / s;
        }
        else
        {
            double s = Math.Sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1]) * 2;
            w = (m[1, 0] - m[0, 1]) / s; x = (m[0, 2] + m[2, 0]) / s; y = (m[1, 2] + m[2, 1]) / s; z = 0.25 * s;
        }
        return (w, x, y, z);
    }
}
