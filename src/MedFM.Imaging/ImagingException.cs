namespace MedFM.Imaging;

/// <summary>Base of every exception the imaging library throws on bad input or inconsistent data.</summary>
public class ImagingException : Exception
{
    public ImagingException(string message) : base(message) { }
    public ImagingException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>A voxel array whose length or a shape that does not agree with the declared dimensions.</summary>
public class VolumeShapeException : ImagingException
{
    public VolumeShapeException(string message) : base(message) { }
}

/// <summary>Typed access (<c>GetData&lt;T&gt;</c>) with an element type other than the volume's voxel type.</summary>
public class VoxelTypeMismatchException : ImagingException
{
    public VoxelTypeMismatchException(string message) : base(message) { }
}

/// <summary>An affine or direction matrix that cannot describe an image grid (singular, not finite, zero spacing).</summary>
public class GeometryException : ImagingException
{
    public GeometryException(string message) : base(message) { }
}
