namespace MedFM.Imaging.Geometry;

/// <summary>
/// Where an image grid sits in patient space: world = Origin + Direction · diag(Spacing) · (i, j, k).
/// The columns of <see cref="Direction"/> are the unit vectors of the i, j, k index axes expressed in
/// <see cref="Frame"/> (LPS for DICOM, RAS for NIfTI). Spacing is positive; a reflection lives in Direction.
/// Plain images (PNG, JPEG) carry a geometry with <see cref="IsKnown"/> false (unit spacing, identity).
/// </summary>
public sealed class ImageGeometry : IEquatable<ImageGeometry>
{
    /// <summary>
    /// Creates a geometry. Direction columns are normalised to unit length (DICOM stores them to a few digits);
    /// a zero, non-finite or degenerate (singular) direction, or a non-positive spacing, throws <see cref="GeometryException"/>.
    /// </summary>
    public ImageGeometry(Vector3d origin, Vector3d spacing, Matrix3d direction, AnatomicalFrame frame, bool isKnown = true)
    {
        if (!origin.IsFinite) throw new GeometryException($"origin {origin} is not finite");
        if (!spacing.IsFinite || spacing.X <= 0 || spacing.Y <= 0 || spacing.Z <= 0)
            throw new GeometryException($"spacing {spacing} must be finite and positive");
        if (!direction.IsFinite) throw new GeometryException($"direction {direction} is not finite");
        var c0 = direction.Column(0); var c1 = direction.Column(1); var c2 = direction.Column(2);
        if (c0.Norm < 1e-9 || c1.Norm < 1e-9 || c2.Norm < 1e-9)
            throw new GeometryException($"direction {direction} has a zero column");
        var unit = Matrix3d.FromColumns(c0.Normalized(), c1.Normalized(), c2.Normalized());
        if (Math.Abs(unit.Determinant) < 1e-6)
            throw new GeometryException($"direction {direction} is degenerate (its columns are nearly coplanar)");
        Origin = origin;
        Spacing = spacing;
        Direction = unit;
        Frame = frame;
        IsKnown = isKnown;
    }

    /// <summary>The geometry of a plain image: origin 0, spacing 1, identity direction, LPS, not known.</summary>
    public static ImageGeometry Unknown { get; } =
        new(Vector3d.Zero, Vector3d.One, Matrix3d.Identity, AnatomicalFrame.Lps, isKnown: false);

    /// <summary>World position of voxel (0, 0, 0)'s centre.</summary>
    public Vector3d Origin { get; }

    /// <summary>Distance between voxel centres along i, j, k (world units, usually mm).</summary>
    public Vector3d Spacing { get; }

    /// <summary>Columns: unit vectors of the i, j, k axes in <see cref="Frame"/>.</summary>
    public Matrix3d Direction { get; }

    public AnatomicalFrame Frame { get; }

    /// <summary>False for images without a patient geometry (PNG, JPEG); world coordinates then mean nothing.</summary>
    public bool IsKnown { get; }

    /// <summary>Direction · diag(Spacing): the linear part of the voxel-to-world affine.</summary>
    public Matrix3d LinearPart => Direction * Matrix3d.Diagonal(Spacing);

    /// <summary>The 4×4 voxel-to-world affine (the NIfTI/nibabel "affine" when Frame is RAS).</summary>
    public AffineMatrix Affine => new(LinearPart, Origin);

    public Vector3d IndexToWorld(Vector3d index) => LinearPart * index + Origin;

    public Vector3d IndexToWorld(double i, double j, double k) => IndexToWorld(new Vector3d(i, j, k));

    /// <summary>The continuous index of a world point (exact inverse of <see cref="IndexToWorld(Vector3d)"/>).</summary>
    public Vector3d WorldToIndex(Vector3d world) => LinearPart.Inverse() * (world - Origin);

    /// <summary>
    /// Splits a voxel-to-world affine into origin, spacing (column norms) and direction (normalised columns).
    /// A sheared affine keeps its shear in the (non-orthogonal) direction matrix, so IndexToWorld reproduces it exactly.
    /// </summary>
    public static ImageGeometry FromAffine(AffineMatrix affine, AnatomicalFrame frame)
    {
        var l = affine.Linear;
        var spacing = new Vector3d(l.Column(0).Norm, l.Column(1).Norm, l.Column(2).Norm);
        return new ImageGeometry(affine.Translation, spacing, l, frame);
    }

    public static ImageGeometry FromAffine(double[,] affine, AnatomicalFrame frame) =>
        FromAffine(AffineMatrix.FromArray(affine), frame);

    /// <summary>
    /// The same grid described in another frame: LPS ↔ RAS negates the first two world axes (rows 0 and 1
    /// of the affine). An unknown geometry only changes its frame label.
    /// </summary>
    public ImageGeometry InFrame(AnatomicalFrame frame)
    {
        if (frame == Frame) return this;
        if (!IsKnown) return new ImageGeometry(Origin, Spacing, Direction, frame, isKnown: false);
        var flip = Matrix3d.Diagonal(new Vector3d(-1, -1, 1));
        return new ImageGeometry(flip * Origin, Spacing, flip * Direction, frame);
    }

    public ImageGeometry WithOrigin(Vector3d origin) => new(origin, Spacing, Direction, Frame, IsKnown);

    public ImageGeometry WithSpacing(Vector3d spacing) => new(Origin, spacing, Direction, Frame, IsKnown);

    public ImageGeometry WithDirection(Matrix3d direction) => new(Origin, Spacing, direction, Frame, IsKnown);

    /// <summary>
    /// Orientation letters of the i, j, k axes, each naming the direction the axis points toward
    /// (nibabel's aff2axcodes convention): e.g. "RAS" for a NIfTI in RAS+ order, "LPS" for a DICOM axial series.
    /// </summary>
    public string OrientationCode => Orientation.CodeOf(Direction, Frame);

    /// <summary>True when every element of origin, spacing and direction agrees within <paramref name="tolerance"/>.</summary>
    public bool ApproximatelyEquals(ImageGeometry other, double tolerance = 1e-6) =>
        Frame == other.Frame && IsKnown == other.IsKnown
        && Origin.MaxAbsDifference(other.Origin) <= tolerance
        && Spacing.MaxAbsDifference(other.Spacing) <= tolerance
        && Direction.MaxAbsDifference(other.Direction) <= tolerance;

    public bool Equals(ImageGeometry? other) =>
        other is not null && Frame == other.Frame && IsKnown == other.IsKnown
        && Origin == other.Origin && Spacing == other.Spacing && Direction == other.Direction;

    public override bool Equals(object? obj) => obj is ImageGeometry g && Equals(g);
    public override int GetHashCode() => HashCode.Combine(Origin, Spacing, Direction, Frame, IsKnown);

    public override string ToString() =>
        IsKnown ? $"{Frame} origin {Origin} spacing {Spacing} direction {Direction}" : "unknown geometry";
}
